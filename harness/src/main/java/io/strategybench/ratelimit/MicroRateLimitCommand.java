package io.strategybench.ratelimit;

import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.Bench;
import io.strategybench.cli.StrategySelection;
import io.strategybench.ratelimit.RateLimitMicro;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.ratelimit.RedisForSimulation;
import io.strategybench.run.MicroLens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** {@code bench micro ratelimit}: JMH of one admission decision, with Bucket4j, Guava and Resilience4j beside. */
@Command(name = "ratelimit", header = "JMH: ns per admission decision for every chosen rate limiter, reference libraries beside.",
    description = {"",
        "Runs RateLimitBenchmark (acquire: one request of one key, clock read included; concurrency limiters release "
            + "in the same operation) for every chosen strategy, with --keys clients (1: one hot key; 100000: state "
            + "spread out) and --threads callers, at 100 requests per second per key. Then RateLimitReferenceBenchmark: "
            + "our token bucket, Bucket4j, Guava's RateLimiter and Resilience4j's on the same keys in one run "
            + "(labelled reference), and the ratio of ours to each. Redis-backed strategies use --redis, or a private "
            + "redis-server started for the run.",
        ""})
public final class MicroRateLimitCommand extends FamilyCommand.Micro {
  @Option(names = "--keys", paramLabel = "N", split = ",", defaultValue = "1,100000",
      description = "Client key counts to benchmark with.")
  List<Integer> keys = new ArrayList<>();

  @Option(names = "--no-references", description = "Skip the reference libraries.")
  boolean noReferences;

  @Option(names = "--redis", paramLabel = "URI", showDefaultValue = Visibility.NEVER,
      description = "Redis server for the redis-* strategies (default: a private redis-server for the run).")
  String redis;

  @Override
  public Integer call() throws Exception {
    var chosen = StrategySelection.resolve(registry(), RateLimiter.FAMILY, micro.strategies, Map.of());
    for (int k : keys) {
      if (k < 1 || k > 10_000_000) {
        throw new IllegalArgumentException("--keys values must be 1..10000000, got " + k);
      }
    }
    micro.validate();
    Path folder = micro.folder("ratelimit");
    boolean anyRemote = chosen.stream().anyMatch(c -> RedisForSimulation.needsRedis(c.descriptor()));
    List<MicroLens.Score> scores;
    try (RedisForSimulation server = anyRemote ? RedisForSimulation.open(redis) : null) {
      scores = RateLimitMicro.measure(chosen.stream().map(c -> c.descriptor().name()).toList(), keys, micro.threads,
          micro.settings(), registry().plugins(), folder.resolve("jmh-ratelimit.json"),
          noReferences ? null : folder.resolve("jmh-ratelimit-reference.json"), server == null ? null : server.uri(),
          line -> System.err.println(line));
    }
    List<Map<String, Object>> versus = RateLimitMicro.versusReferences(scores);
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> row : versus) {
      lines.add(String.format(Locale.ROOT, "token bucket vs %s, %s key(s), %s thread(s): ours %.2f ns, theirs %.2f"
          + " ns, ours/theirs %.3f", row.get("library"), row.get("keys"), row.get("threads"), row.get("oursNsPerOp"),
          row.get("libraryNsPerOp"), row.get("ratio")));
    }
    micro.print(out(), "ratelimit", folder, scores, List.of("keys"),
        Map.of("tokenBucketVsReferences", versus), lines);
    return Bench.EXIT_OK;
  }
}
