package io.strategybench.hashing;

import io.strategybench.run.Progress;
import io.strategybench.family.PlanRun;
import io.strategybench.run.Calibration;
import io.strategybench.run.Figures;
import io.strategybench.run.GatlingRun;
import io.strategybench.run.LoadStep;
import io.strategybench.run.MicroLens;
import io.strategybench.run.Rate;
import io.strategybench.run.RunContext;
import io.strategybench.run.TargetProcess;
import io.strategybench.hashing.CacheTimeline;
import io.strategybench.hashing.ConsistentHash;
import io.strategybench.hashing.HashingMicro;
import io.strategybench.hashing.HashingSimulationResult;
import io.strategybench.hashing.HashingSimulator;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import io.strategybench.strategy.SettingDescriptor;
import io.strategybench.strategy.StrategyDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The consistent-hashing family of a suite: the simulation (headline figures at N nodes, a sweep of virtual
 * nodes, a sweep of node counts), JMH of lookup and build with Guava's jump hash measured beside ours, and a
 * load run per strategy against the target as the router of a sharded cache, a node joining and one
 * leaving while Gatling reads Zipf-distributed keys.
 */
final class HashingRunner extends PlanRun<HashingPlan> {
  private static final String FAMILY = ConsistentHash.FAMILY.name();

  HashingRunner(RunContext run, HashingPlan planned) {
    super(run, planned, HashingPlan::withLoadSeconds);
  }

  /** Seconds the family will take here, roughly, for the progress line. */
  @Override
  public double estimateSeconds() {
    HashingPlan plan = plan();
    int strategies = run.chosen(ConsistentHash.FAMILY).size();
    return (run.wants("simulate") ? strategies * simulateSeconds(plan) : 0)
        + (run.wants("micro") ? (strategies + 1) * microSeconds(plan) : 0)
        + (run.wants("load") ? strategies * loadSeconds(plan) : 0);
  }

  /** Two benchmarks (lookup, build) per node count and thread count, each a forked JVM. */
  private static double microSeconds(HashingPlan plan) {
    double perRun = plan.micro().iterationSeconds() + 1.0;
    return 2 * plan.microNodes().size() * plan.microThreads().size() * perRun;
  }

  private static double loadSeconds(HashingPlan plan) {
    return plan.warmupSeconds() + plan.loadSeconds() + 6;
  }

  @Override
  public void run() throws IOException, InterruptedException {
    HashingPlan plan = plan();
    List<StrategyDescriptor<ConsistentHash>> chosen = run.chosen(ConsistentHash.FAMILY);
    FamilyResults family = run.addFamily(ConsistentHash.FAMILY, workload(plan), chosen);
    Progress progress = run.progress();
    double perSimulate = simulateSeconds(plan);
    double perMicro = microSeconds(plan);
    double perLoad = loadSeconds(plan);

    if (run.wants("simulate")) {
      run.eachStrategy(family, "simulate", "hashing simulate", chosen, StrategyDescriptor::name, d -> perSimulate,
          (d, s) -> {
            Map<String, Object> simulate = simulate(plan, d);
            synchronized (run.results()) {
              s.simulate = simulate;
            }
          });
    }

    if (run.wants("micro")) {
      run.microEach(family, chosen.stream().map(StrategyDescriptor::name).toList(),
          perMicro / plan.microThreads().size(),
          (name, json, step) -> HashingMicro.measure(List.of(name), plan.microNodes(), plan.microThreads(),
              plan.micro(), run.registry().plugins(), json, null, step));
      run.stopIfInterrupted();
      reference(plan, family, perMicro);
      run.save();
    }

    if (run.wants("load")) {
      double rate;
      try {
        rate = run.loadRate(family, plan.rate(), () -> new Calibration.Setup(FAMILY, CALIBRATION, serve(plan,
            CALIBRATION, null, List.of()), io.strategybench.hashing.HashingSimulation.class, properties(plan),
            10000));
      } catch (IOException | RuntimeException e) {
        run.familyFailed(family, "load", e);
        return;
      }
      run.eachStrategy(family, "load", "hashing load", chosen, StrategyDescriptor::name, d -> perLoad, (d, s) -> {
        Map<String, Object> load = load(plan, rate, d.name());
        synchronized (run.results()) {
          s.load = load;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> cache = (Map<String, Object>) load.get("cache");
        progress.note(String.format(Locale.ROOT,
            "        %s: hit ratio %.1f%%, origin %.0f req/s, client p99 %s ms, %.0f req/s, errors %.2f%%",
            d.name(), Figures.asDouble(cache.get("hitRatio")) * 100,
            Figures.asDouble(cache.get("originRps")),
            Figures.fmt(Figures.nested(load, "client", "p99Millis")),
            Figures.asDouble(load.get("throughputRps")),
            Figures.asDouble(Figures.nested(load, "client", "errorRate")) * 100));
      });
    }
  }

  // ---- simulate ----------------------------------------------------------------------------------------------

  /** Seconds one strategy's simulation takes here, roughly: lookups dominate. */
  private static double simulateSeconds(HashingPlan plan) {
    double lookups = 3.0 * (plan.simulateKeys() + plan.vnodeSweepKeys() * plan.vnodeSweep().size()
        + plan.nodeSweepKeys() * plan.nodeSweep().size());
    return Math.max(0.5, lookups * 60e-9);
  }

  private static Map<String, Object> simulate(HashingPlan plan, StrategyDescriptor<ConsistentHash> d) {
    Map<String, Object> out = Figures.toMap(
        HashingSimulator.run(d, Map.of(), plan.simulateNodes(), plan.simulateKeys(), plan.seed()));
    boolean hasVnodes = d.settings().stream().map(SettingDescriptor::name).anyMatch("vnodes"::equals);
    if (hasVnodes) {
      List<Map<String, Object>> sweep = new ArrayList<>();
      for (int v : plan.vnodeSweep()) {
        sweep.add(point(HashingSimulator.run(d, Map.of("vnodes", String.valueOf(v)), plan.vnodeSweepNodes(),
            plan.vnodeSweepKeys(), plan.seed()), v));
      }
      out.put("vnodeSweep", sweep);
    }
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (int n : plan.nodeSweep()) {
      nodes.add(point(HashingSimulator.run(d, Map.of(), n, plan.nodeSweepKeys(), plan.seed()), null));
    }
    out.put("nodeSweep", nodes);
    return out;
  }

  /** The figures a sweep chart needs from one simulation. */
  private static Map<String, Object> point(HashingSimulationResult r, Integer vnodes) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (vnodes != null) {
      m.put("vnodes", vnodes);
    }
    m.put("nodes", r.nodes());
    m.put("keys", r.keys());
    m.put("peakToMean", r.peakToMean());
    m.put("relStdDev", r.relStdDev());
    m.put("randomRelStdDev", r.randomRelStdDev());
    m.put("movedOnAdd", r.movedOnAdd());
    m.put("optimumOnAdd", r.optimumOnAdd());
    m.put("movedOnRemove", r.movedOnRemove());
    m.put("optimumOnRemove", r.optimumOnRemove());
    m.put("violationsOnAdd", r.violationsOnAdd());
    m.put("violationsOnRemove", r.violationsOnRemove());
    m.put("monotonicityViolations", r.monotonicityViolations());
    m.put("memoryBytes", r.memoryBytes());
    return m;
  }

  // ---- micro -------------------------------------------------------------------------------------------------

  /**
   * Guava's {@code Hashing.consistentHash} and our jump hash in the same JMH run; the {@code jump} strategy,
   * when chosen, gets a check that it is not slower than Guava's beyond the two scores' JMH errors.
   */
  private void reference(HashingPlan plan, FamilyResults family, double perMicro) throws IOException {
    String file = "micro/jmh-hashing-reference.json";
    try {
      List<MicroLens.Score> scores = HashingMicro.reference(plan.microNodes(), plan.microThreads(), plan.micro(),
          run.registry().plugins(), run.folder().resolve(file),
          line -> run.progress().step("hashing " + line + " (jump hash vs Guava)", perMicro / plan.microThreads().size()));
      List<Map<String, Object>> rows = HashingMicro.jumpVsGuava(scores);
      Map<String, Object> reference = MicroLens.referenceResults(scores, "jumpVsGuava", rows, file);
      StrategyResults jump = jumpOf(family);
      synchronized (run.results()) {
        family.reference = reference;
        if (jump != null) {
          for (Map<String, Object> row : rows) {
            double ours = Figures.asDouble(row.get("jumpNsPerOp"));
            double guava = Figures.asDouble(row.get("guavaNsPerOp"));
            double jumpError = Figures.asDouble(row.get("jumpNsPerOpError"));
            double guavaError = Figures.asDouble(row.get("guavaNsPerOpError"));
            if (!(jumpError > 0 && guavaError > 0)) {
              continue; // under three measured iterations JMH gives no error: nothing to judge the difference by
            }
            double slack = jumpError + guavaError;
            jump.checks.add(new Check("jump hash at " + row.get("nodes") + " nodes, " + row.get("threads")
                + " thread(s), is at least as fast as Guava's consistentHash (within JMH error)", "micro",
                ours <= guava + slack, row.get("ratio"), "Guava ns / ours >= 1 within error"));
          }
        }
      }
      for (Map<String, Object> row : rows) {
        run.progress().note(String.format(Locale.ROOT, "        jump hash vs Guava, %s nodes: ours %.2f ns, Guava's %.2f"
            + " ns (Guava/ours %.3f)", row.get("nodes"), Figures.asDouble(row.get("jumpNsPerOp")),
            Figures.asDouble(row.get("guavaNsPerOp")), Figures.asDouble(row.get("ratio"))));
      }
    } catch (IOException | RuntimeException e) {
      run.referenceFailed(family, "jump-hash", e);
    }
  }

  // ---- load --------------------------------------------------------------------------------------------------

  /** The strategy the family's load is calibrated with: the ring, the classic consistent hash. */
  private static final String CALIBRATION = "ring";

  /** The target of a load run: the strategy routing the plan's sharded cache, with the node changes {@code events}. */
  private static List<String> serve(HashingPlan plan, String strategy, Path work, List<String> events) {
    List<String> serve = new ArrayList<>(List.of("--family", FAMILY, "--strategy", strategy,
        "--io-threads", String.valueOf(plan.ioThreads()), "--cache-nodes", String.valueOf(plan.cacheNodes()),
        "--cache-entries", String.valueOf(plan.cacheEntries()), "--origin-time", plan.originTime(),
        "--origin-capacity", String.valueOf(plan.originCapacity()), "--origin-queue",
        String.valueOf(plan.originQueue()), "--cache-response-bytes", String.valueOf(plan.responseBytes()),
        "--node-events-from", "reset"));
    if (work != null) {
      serve.addAll(List.of("--hlog", LoadStep.serverLog(work).toString()));
    }
    for (String event : events) {
      serve.add("--node-event");
      serve.add(event);
    }
    return serve;
  }

  /** The load's keys, as Gatling's properties. */
  private static Map<String, String> properties(HashingPlan plan) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("keys", String.valueOf(plan.keys()));
    properties.put("zipf", String.valueOf(plan.zipf()));
    properties.put("seed", String.valueOf(plan.seed()));
    return properties;
  }

  private Map<String, Object> load(HashingPlan plan, double rate, String strategy)
      throws IOException, InterruptedException {
    Path work = run.folder().resolve("load").resolve(FAMILY).resolve(strategy);
    List<String> serve = serve(plan, strategy, work, plan.events(plan.loadSeconds()));
    try (LoadStep step = run.loadStep("hashing " + strategy, work)) {
      TargetProcess target = step.target("target", serve, work);
      Map<String, String> properties = properties(plan);
      properties.putAll(run.loadProperties(target, rate, plan.loadSeconds(), plan.warmupSeconds()));
      GatlingRun.Result gatling = step.gatling(io.strategybench.hashing.HashingSimulation.class, properties,
          "request");
      Map<String, Object> stats = target.stats();
      Map<String, Object> load = step.measured(gatling, stats, List.of(stats), plan.loadSeconds());
      load.put("cache", cache(stats, plan.loadSeconds()));
      load.put("files", run.loadFiles(gatling, work));
      return load;
    }
  }

  /** The cache stage's figures, its per-second series cut to the measured phase, and each change's dip. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> cache(Map<String, Object> stats, int seconds) {
    Map<String, Object> stage = (Map<String, Object>) ((Map<String, Object>) stats.get("stages")).get("hashing");
    Map<String, Object> cache = new LinkedHashMap<>();
    for (String key : List.of("requests", "hits", "hitRatio", "originRequests", "originShed", "originPeakInFlight",
        "nodes")) {
      cache.put(key, stage.get(key));
    }
    cache.put("originRps", Figures.round(Figures.asDouble(stage.get("originRequests")) / seconds));
    Map<String, Object> series = (Map<String, Object>) stage.get("perSecond");
    List<Long> requests = longs(series.get("requests"), seconds);
    List<Long> hits = longs(series.get("hits"), seconds);
    List<Long> origin = longs(series.get("originRequests"), seconds);
    double[] ratio = CacheTimeline.hitRatio(requests, hits);
    List<Double> ratios = new ArrayList<>();
    for (double r : ratio) {
      ratios.add(Double.isNaN(r) ? null : Math.round(r * 10_000.0) / 10_000.0);
    }
    Map<String, Object> perSecond = new LinkedHashMap<>();
    perSecond.put("requests", requests);
    perSecond.put("hits", hits);
    perSecond.put("hitRatio", ratios);
    perSecond.put("originRequests", origin);
    cache.put("perSecond", perSecond);
    cache.put("changes", CacheTimeline.changes(ratio, (List<Map<String, Object>>) stage.get("changes")));
    return cache;
  }

  /** The first {@code seconds} values: the measured phase (the target keeps counting until stats are read). */
  private static List<Long> longs(Object values, int seconds) {
    List<Long> out = new ArrayList<>();
    if (values instanceof List<?> list) {
      for (int i = 0; i < Math.min(seconds, list.size()); i++) {
        out.add(((Number) list.get(i)).longValue());
      }
    }
    return out;
  }

  private Map<String, Object> workload(HashingPlan plan) {
    Map<String, Object> w = new LinkedHashMap<>();
    Map<String, Object> simulate = new LinkedHashMap<>();
    simulate.put("nodes", plan.simulateNodes());
    simulate.put("keys", plan.simulateKeys());
    simulate.put("vnodeSweep", plan.vnodeSweep());
    simulate.put("vnodeSweepNodes", plan.vnodeSweepNodes());
    simulate.put("vnodeSweepKeys", plan.vnodeSweepKeys());
    simulate.put("nodeSweep", plan.nodeSweep());
    simulate.put("nodeSweepKeys", plan.nodeSweepKeys());
    simulate.put("seed", plan.seed());
    simulate.put("change", "one node added (n" + (plan.simulateNodes() + 1) + "), and separately the middle node"
        + " removed");
    w.put("simulate", simulate);
    Map<String, Object> micro = new LinkedHashMap<>();
    micro.put("nodes", plan.microNodes());
    micro.put("threads", plan.microThreads());
    micro.put("settings", plan.micro());
    w.put("micro", micro);
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("cacheNodes", plan.cacheNodes());
    load.put("entriesPerNode", plan.cacheEntries());
    load.put("keys", plan.keys());
    load.put("zipf", plan.zipf());
    load.put("originTime", plan.originTime());
    load.put("originCapacity", plan.originCapacity());
    load.put("originQueue", plan.originQueue());
    load.put("responseBytes", plan.responseBytes());
    plan.rate().putInto(load);
    load.put("durationSeconds", plan.loadSeconds());
    load.put("warmupSeconds", plan.warmupSeconds());
    load.put("ioThreads", plan.ioThreads());
    load.put("profile", run.profile());
    load.put("events", plan.events(plan.loadSeconds()));
    w.put("load", load);
    return w;
  }

  /**
   * The results of the strategy that computes jump consistent hash ({@link ConsistentHash#JUMP_CONSISTENT_HASH}),
   * whose speed the reference benchmark sets beside Guava's, or null.
   */
  static StrategyResults jumpOf(FamilyResults family) {
    for (StrategyResults s : family.strategies) {
      if (s.characteristics.contains(ConsistentHash.JUMP_CONSISTENT_HASH)) {
        return s;
      }
    }
    return null;
  }
}
