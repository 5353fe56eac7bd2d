package io.strategybench.cache;

import io.strategybench.run.MicroLens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The caching family's micro lens: {@link CacheBenchmark}'s get and put for each policy, then
 * {@link CacheReferenceBenchmark}'s Caffeine and {@code ConcurrentHashMap} on the same keys, in the same run.
 */
public final class CacheMicro {
  /** The reference implementations, as the reference benchmark names them. */
  public static final List<String> REFERENCES = List.of("caffeine", "caffeine-same-thread", "concurrent-hash-map");

  private CacheMicro() {}

  /**
   * @param json where JMH's JSON of the policies goes
   * @param referenceJson where JMH's JSON of the references goes; null skips them
   */
  public static List<MicroLens.Score> measure(List<String> strategies, List<Integer> capacities, List<Integer> threads,
      MicroLens.Settings settings, List<Path> plugins, Path json, Path referenceJson, Consumer<String> progress)
      throws IOException {
    List<MicroLens.Score> scores = new ArrayList<>();
    List<String> sizes = capacities.stream().map(String::valueOf).toList();
    if (!strategies.isEmpty()) {
      scores.addAll(MicroLens.run(CacheBenchmark.class.getName(), strategies, Map.of("capacity", sizes), threads,
          settings, plugins, json, progress));
    }
    if (referenceJson != null) {
      Map<String, List<String>> params = new LinkedHashMap<>();
      params.put("capacity", sizes);
      params.put("implementation", REFERENCES);
      scores.addAll(MicroLens.run(CacheReferenceBenchmark.class.getName(), List.of(MicroLens.REFERENCE), params,
          threads, settings, plugins, referenceJson, progress));
    }
    return scores;
  }

  /**
   * Each policy's get and put beside Caffeine's and the plain map's, per capacity and thread count, from the same
   * run: {@code ratio} is ours over Caffeine's (at most 1: at least as fast), {@code ratioSameThread} ours over
   * Caffeine's with its maintenance on the calling thread (the work PolicyCache does there too; by default
   * Caffeine hands it to the common ForkJoinPool, another core), {@code overMap} ours over the map's.
   */
  public static List<Map<String, Object>> versusReferences(List<MicroLens.Score> scores) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (MicroLens.Score ours : scores) {
      if (ours.strategy().equals(MicroLens.REFERENCE)) {
        continue;
      }
      MicroLens.Score caffeine = reference(scores, ours, "caffeine");
      MicroLens.Score sameThread = reference(scores, ours, "caffeine-same-thread");
      MicroLens.Score map = reference(scores, ours, "concurrent-hash-map");
      if (caffeine == null) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("strategy", ours.strategy());
      row.put("operation", ours.benchmark());
      row.put("capacity", Integer.parseInt(ours.params().get("capacity")));
      row.put("threads", ours.threads());
      ours.putInto(row, "ours");
      caffeine.putInto(row, "caffeine");
      if (map != null) {
        row.put("mapNsPerOp", map.nsPerOp());
        row.put("overMap", ours.over(map));
      }
      row.put("ratio", ours.over(caffeine));
      if (sameThread != null) {
        sameThread.putInto(row, "caffeineSameThread");
        row.put("ratioSameThread", ours.over(sameThread));
      }
      rows.add(row);
    }
    return rows;
  }

  private static MicroLens.Score reference(List<MicroLens.Score> scores, MicroLens.Score ours, String implementation) {
    for (MicroLens.Score s : scores) {
      if (s.strategy().equals(MicroLens.REFERENCE) && implementation.equals(s.params().get("implementation"))
          && s.benchmark().equals(ours.benchmark()) && s.threads() == ours.threads()
          && s.params().get("capacity").equals(ours.params().get("capacity"))) {
        return s;
      }
    }
    return null;
  }
}
