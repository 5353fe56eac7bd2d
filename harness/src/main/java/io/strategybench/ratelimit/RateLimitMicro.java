package io.strategybench.ratelimit;

import io.strategybench.run.MicroLens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The rate-limiting family's micro lens: one admission decision per strategy with 1 and 100,000 keys, then
 * our token bucket beside Bucket4j, Guava and Resilience4j in one JMH run. Redis-backed strategies need a
 * server: {@code redisUri} (set for the forked JVMs), else they are skipped by the caller.
 */
public final class RateLimitMicro {
  private RateLimitMicro() {}

  /**
   * @param json where JMH's JSON of the strategies goes
   * @param referenceJson where JMH's JSON of the reference benchmark goes; null skips it
   * @param redisUri the Redis server for redis-* strategies, or null
   */
  public static List<MicroLens.Score> measure(List<String> strategies, List<Integer> keys, List<Integer> threads,
      MicroLens.Settings settings, List<Path> plugins, Path json, Path referenceJson, String redisUri,
      Consumer<String> progress) throws IOException {
    Map<String, List<String>> params = Map.of("keys", keys.stream().map(String::valueOf).toList());
    List<MicroLens.Score> scores = new ArrayList<>();
    String previous = System.getProperty(RateLimitBenchmark.REDIS_PROPERTY);
    if (redisUri != null) {
      System.setProperty(RateLimitBenchmark.REDIS_PROPERTY, redisUri);
    }
    try {
      if (!strategies.isEmpty()) {
        scores.addAll(MicroLens.run(RateLimitBenchmark.class.getName(), strategies, params, threads, settings,
            plugins, json, progress));
      }
    } finally {
      if (previous == null) {
        System.clearProperty(RateLimitBenchmark.REDIS_PROPERTY);
      } else {
        System.setProperty(RateLimitBenchmark.REDIS_PROPERTY, previous);
      }
    }
    if (referenceJson != null) {
      scores.addAll(MicroLens.run(RateLimitReferenceBenchmark.class.getName(), List.of(MicroLens.REFERENCE), params,
          threads, settings, plugins, referenceJson, progress));
    }
    return scores;
  }

  /**
   * Our token bucket against each reference library, per key count and thread count, from the same run:
   * both ns/op with errors, and {@code ratio} (ours over theirs; at most 1 means ours is at least as fast).
   */
  public static List<Map<String, Object>> versusReferences(List<MicroLens.Score> scores) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (MicroLens.Score ours : scores) {
      if (!ours.strategy().equals(MicroLens.REFERENCE) || !ours.benchmark().equals("tokenBucket")) {
        continue;
      }
      for (MicroLens.Score ref : scores) {
        if (ref.strategy().equals(MicroLens.REFERENCE) && !ref.benchmark().equals("tokenBucket")
            && ref.params().equals(ours.params()) && ref.threads() == ours.threads()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("library", ref.benchmark());
          row.put("keys", Integer.parseInt(ours.params().get("keys")));
          row.put("threads", ours.threads());
          ours.putInto(row, "ours");
          ref.putInto(row, "library");
          row.put("ratio", ours.over(ref));
          rows.add(row);
        }
      }
    }
    return rows;
  }
}
