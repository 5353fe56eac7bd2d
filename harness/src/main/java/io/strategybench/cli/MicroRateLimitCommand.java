package io.strategybench.cli;

import io.strategybench.ratelimit.RateLimitMicro;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.ratelimit.RedisForSimulation;
import io.strategybench.run.MicroLens;
import io.strategybench.run.ResultsFolder;
import io.strategybench.server.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench micro ratelimit}: JMH of one admission decision, with Bucket4j, Guava and Resilience4j beside. */
@Command(name = "ratelimit", header = "JMH: ns per admission decision for every chosen rate limiter, reference libraries beside.",
    description = {"",
        "Runs RateLimitBenchmark (acquire: one request of one key, clock read included; concurrency limiters release "
            + "in the same operation) for every chosen strategy, with --keys clients (1: one hot key; 100000: state "
            + "spread out) and --threads callers, at 100 requests per second per key. Then RateLimitReferenceBenchmark: "
            + "our token bucket, Bucket4j, Guava's RateLimiter and Resilience4j's on the same keys in one run "
            + "(labelled reference), and the ratio of ours to each. Redis-backed strategies use --redis, or a private "
            + "redis-server started for the run.",
        ""},
    mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false)
final class MicroRateLimitCommand implements Callable<Integer> {
  @ParentCommand
  MicroCommand parent;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--strategy", paramLabel = "NAME", split = ",", defaultValue = "all",
      description = "Strategies to benchmark, or all.")
  List<String> strategies = new ArrayList<>();

  @Option(names = "--keys", paramLabel = "N", split = ",", defaultValue = "1,100000",
      description = "Client key counts to benchmark with.")
  List<Integer> keys = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "N", split = ",", defaultValue = "1,2", description = "Calling thread counts.")
  List<Integer> threads = new ArrayList<>();

  @Option(names = "--no-references", description = "Skip the reference libraries.")
  boolean noReferences;

  @Option(names = "--redis", paramLabel = "URI", showDefaultValue = Visibility.NEVER,
      description = "Redis server for the redis-* strategies (default: a private redis-server for the run).")
  String redis;

  @Option(names = "--quick", description = "1 warm-up and 3 measured iterations of 400 ms: rough, fast.")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Results folder (default: results/<yyyyMMdd-HHmmss>-micro-ratelimit in the StrategyBench home).")
  Path out;

  @Option(names = "--json", description = "Print the scores as one JSON document instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    var chosen = StrategySelection.resolve(parent.bench.registry(), RateLimiter.FAMILY, strategies, Map.of());
    for (int k : keys) {
      if (k < 1 || k > 10_000_000) {
        throw new IllegalArgumentException("--keys values must be 1..10000000, got " + k);
      }
    }
    for (int t : threads) {
      if (t < 1 || t > 256) {
        throw new IllegalArgumentException("--threads values must be 1..256, got " + t);
      }
    }
    Path folder = out != null ? out : ResultsFolder.create(Bench.home().resolve("results"), "micro-ratelimit");
    Files.createDirectories(folder);
    boolean anyRemote = chosen.stream().anyMatch(c -> RedisForSimulation.needsRedis(c.descriptor()));
    List<MicroLens.Score> scores;
    try (RedisForSimulation server = anyRemote ? RedisForSimulation.open(redis) : null) {
      scores = RateLimitMicro.measure(chosen.stream().map(c -> c.descriptor().name()).toList(), keys, threads,
          quick ? MicroLens.Settings.quick() : MicroLens.Settings.standard(), parent.bench.registry().plugins(),
          folder.resolve("jmh-ratelimit.json"), noReferences ? null : folder.resolve("jmh-ratelimit-reference.json"),
          server == null ? null : server.uri(), line -> System.err.println(line));
    }
    PrintWriter o = spec.commandLine().getOut();
    List<Map<String, Object>> versus = RateLimitMicro.versusReferences(scores);
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("family", "ratelimit");
      doc.put("jmhJson", folder.toString());
      doc.put("scores", scores);
      doc.put("tokenBucketVsReferences", versus);
      o.println(Json.write(doc));
    } else {
      o.printf("%-30s %-13s %8s %8s %14s %12s%n", "strategy", "benchmark", "keys", "threads", "ns/op", "+/- ns");
      for (MicroLens.Score s : scores) {
        o.printf(Locale.ROOT, "%-30s %-13s %8s %8d %14.2f %12.2f%n", s.strategy(), s.benchmark(),
            s.params().get("keys"), s.threads(), s.nsPerOp(), s.nsPerOpError());
      }
      for (Map<String, Object> row : versus) {
        o.printf(Locale.ROOT, "token bucket vs %s, %s key(s), %s thread(s): ours %.2f ns, theirs %.2f ns, ours/theirs"
            + " %.3f%n", row.get("library"), row.get("keys"), row.get("threads"), row.get("oursNsPerOp"),
            row.get("libraryNsPerOp"), row.get("ratio"));
      }
      o.println("JMH JSON in " + folder);
    }
    o.flush();
    return Bench.EXIT_OK;
  }
}
