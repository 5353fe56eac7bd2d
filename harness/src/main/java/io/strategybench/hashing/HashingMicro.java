package io.strategybench.hashing;

import io.strategybench.run.MicroLens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The hashing family's micro lens: lookup and build per strategy, then jump hash beside Guava's, on the same node counts. */
public final class HashingMicro {
  private HashingMicro() {}

  /**
   * @param json where JMH's JSON of the strategies goes
   * @param referenceJson where JMH's JSON of the reference benchmark goes; null skips it
   */
  public static List<MicroLens.Score> measure(List<String> strategies, List<Integer> nodes, List<Integer> threads,
      MicroLens.Settings settings, List<Path> plugins, Path json, Path referenceJson, Consumer<String> progress)
      throws IOException {
    Map<String, List<String>> params = Map.of("nodes", nodes.stream().map(String::valueOf).toList());
    List<MicroLens.Score> scores = new ArrayList<>();
    if (!strategies.isEmpty()) {
      scores.addAll(MicroLens.run(HashingBenchmark.class.getName(), strategies, params, threads, settings, plugins,
          json, progress));
    }
    if (referenceJson != null) {
      scores.addAll(reference(nodes, threads, settings, plugins, referenceJson, progress));
    }
    return scores;
  }

  /** Our {@link JumpHash#bucket} and Guava's {@code consistentHash} in the same JMH run, labelled {@code reference}. */
  public static List<MicroLens.Score> reference(List<Integer> nodes, List<Integer> threads, MicroLens.Settings settings,
      List<Path> plugins, Path json, Consumer<String> progress) throws IOException {
    Map<String, List<String>> params = Map.of("nodes", nodes.stream().map(String::valueOf).toList());
    return MicroLens.run(JumpReferenceBenchmark.class.getName(), List.of(MicroLens.REFERENCE), params, threads,
        settings, plugins, json, progress);
  }

  /**
   * Our jump hash against Guava's at each node count: {@code nodes}, both ns/op with their errors, and
   * {@code ratio} (Guava's time over ours; above 1 means ours is faster).
   */
  public static List<Map<String, Object>> jumpVsGuava(List<MicroLens.Score> reference) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (MicroLens.Score jump : reference) {
      if (!jump.benchmark().equals("jump")) {
        continue;
      }
      for (MicroLens.Score guava : reference) {
        if (guava.benchmark().equals("guava") && guava.params().equals(jump.params())
            && guava.threads() == jump.threads()) {
          Map<String, Object> row = new java.util.LinkedHashMap<>();
          row.put("nodes", Integer.parseInt(jump.params().get("nodes")));
          row.put("threads", jump.threads());
          jump.putInto(row, "jump");
          guava.putInto(row, "guava");
          row.put("ratio", guava.over(jump));
          rows.add(row);
        }
      }
    }
    return rows;
  }
}
