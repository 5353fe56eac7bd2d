package io.strategybench.cache;

import io.strategybench.family.PlanRun;
import io.strategybench.run.Calibration;
import io.strategybench.run.Figures;
import io.strategybench.run.GatlingRun;
import io.strategybench.run.LoadStep;
import io.strategybench.run.MicroLens;
import io.strategybench.run.Rate;
import io.strategybench.run.RunContext;
import io.strategybench.run.TargetProcess;
import io.strategybench.cache.CacheMicro;
import io.strategybench.cache.CachePolicy;
import io.strategybench.cache.CacheSimulationResult;
import io.strategybench.cache.CacheSimulator;
import io.strategybench.cache.Capacity;
import io.strategybench.cache.ClairvoyantPolicy;
import io.strategybench.cache.Trace;
import io.strategybench.cache.TraceFormat;
import io.strategybench.cache.TraceReader;
import io.strategybench.cache.Workloads;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import io.strategybench.server.Json;
import io.strategybench.strategy.StrategyDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The caching family of a suite: every policy replayed on synthetic workloads and the real traces at every
 * capacity (Belady's optimum on top); JMH of get and put beside Caffeine and a plain {@code ConcurrentHashMap};
 * a steady load run per policy; then the stage's modes under load, each against its absence: the write strategies
 * (stale reads, origin load, what a crash loses), and the protections against stampede, penetration and
 * avalanche, and conditional requests.
 */
final class CacheRunner extends PlanRun<CachePlan> {
  private static final String FAMILY = CachePolicy.FAMILY.name();

  CacheRunner(RunContext run, CachePlan planned) {
    super(run, planned, CachePlan::withLoadSeconds);
  }

  /** Where the shared traces are, beside the StrategyBench home. */
  static Path tracesDir() {
    Path home = Path.of(System.getProperty("strategybench.home", ".")).toAbsolutePath().normalize();
    Path parent = home.getParent() == null ? home : home.getParent();
    return parent.resolve("shared").resolve("data").resolve("traces");
  }

  // ---- estimates ---------------------------------------------------------------------------------------------

  /** Seconds the family will take here, roughly, for the progress line. */
  @Override
  public double estimateSeconds() {
    CachePlan plan = plan();
    List<StrategyDescriptor<CachePolicy>> chosen = run.chosen(CachePolicy.FAMILY);
    long loadable = chosen.stream().filter(d -> !clairvoyant(d)).count();
    long policyLoads = chosen.stream().filter(d -> !clairvoyant(d) && loads(plan, d.name())).count();
    return (run.wants("simulate") ? chosen.size() * simulateSeconds(plan) : 0)
        + (run.wants("micro") ? (loadable * 2 + 6) * forkSeconds(plan) : 0)
        + (run.wants("load") && loadable > 0 ? policyLoads * loadSeconds(plan.load()) + scenarioRuns(plan)
            * (loadSeconds(plan.load()) + 1) : 0);
  }

  private static double simulateSeconds(CachePlan plan) {
    double requests = 0;
    for (String w : plan.workloads()) {
      requests += requestsOf(w) * plan.capacities().size();
    }
    for (CachePlan.TraceSpec t : plan.traces()) {
      requests += 100_000.0 * t.capacities().size();
    }
    return Math.max(0.2, requests * 150e-9);
  }

  private static double requestsOf(String spec) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("requests=(\\d+)").matcher(Workloads.describe(spec));
    return m.find() ? Double.parseDouble(m.group(1)) : 1e6;
  }

  private static double forkSeconds(CachePlan plan) {
    return plan.micro().iterationSeconds() + 2.0;
  }

  private static double loadSeconds(CachePlan.Load load) {
    return load.warmupSeconds() + load.seconds() + 7;
  }

  private static int scenarioRuns(CachePlan plan) {
    return plan.writeStrategies().size() + plan.stampede().size() + plan.penetration().size()
        + plan.avalanche().size() + (plan.conditional() ? 1 : 0);
  }

  private static boolean clairvoyant(StrategyDescriptor<CachePolicy> d) {
    return ClairvoyantPolicy.class.isAssignableFrom(d.type());
  }

  private static boolean loads(CachePlan plan, String name) {
    return plan.loadStrategies().isEmpty() || plan.loadStrategies().contains(name);
  }

  // ---- the family --------------------------------------------------------------------------------------------

  @Override
  public void run() throws IOException, InterruptedException {
    CachePlan plan = plan();
    List<StrategyDescriptor<CachePolicy>> chosen = run.chosen(CachePolicy.FAMILY);
    Map<String, Object> workload = workload(plan);
    FamilyResults family = run.addFamily(CachePolicy.FAMILY, workload, chosen);
    if (run.wants("simulate")) {
      simulate(plan, chosen, family, workload);
    }
    List<String> loadable = chosen.stream().filter(d -> !clairvoyant(d)).map(StrategyDescriptor::name).toList();
    if (run.wants("micro") && !loadable.isEmpty()) {
      micro(plan, loadable, family);
    }
    if (run.wants("load") && !loadable.isEmpty()) {
      CachePlan.Load load = plan.load();
      Map<String, String> steady = new LinkedHashMap<>(Map.of("scenario", "steady", "keys",
          String.valueOf(load.keys()), "zipf", String.valueOf(load.zipf()), "seed", "1"));
      try {
        plan = plan.withLoadRate(run.loadRate(family, load.rate(), () -> new Calibration.Setup(FAMILY, CALIBRATION,
            serveArgs(load, CALIBRATION, null, load.originTime(), load.originCapacity(), load.originQueue()),
            io.strategybench.cache.CacheSimulation.class, steady, 10000)));
      } catch (IOException | RuntimeException e) {
        run.familyFailed(family, "load", e);
        return;
      }
      load(plan, loadable, family);
      scenarios(plan, loadable, family);
    }
  }

  // ---- simulate ----------------------------------------------------------------------------------------------

  private record Workload(Trace trace, List<Capacity> capacities, String source) {}

  private void simulate(CachePlan plan, List<StrategyDescriptor<CachePolicy>> chosen, FamilyResults family,
      Map<String, Object> description) throws IOException, InterruptedException {
    List<Workload> workloads = new ArrayList<>();
    run.progress().step("cache simulate: generating and reading workloads", 1);
    for (String spec : plan.workloads()) {
      Trace trace = Workloads.generate(spec, plan.seed());
      List<Capacity> capacities = new ArrayList<>();
      for (String c : plan.capacities()) {
        capacities.add(Capacity.parse(c, trace, "capacity"));
      }
      workloads.add(new Workload(trace, capacities, "synthetic"));
    }
    Path dir = tracesDir();
    List<String> missing = new ArrayList<>();
    for (CachePlan.TraceSpec spec : plan.traces()) {
      Path file = dir.resolve(spec.file());
      if (!Files.isRegularFile(file)) {
        missing.add(spec.file());
        continue;
      }
      Trace trace = TraceReader.read(file, TraceFormat.named(spec.format()));
      workloads.add(new Workload(trace, spec.capacities().stream().map(c -> new Capacity(c, false)).toList(),
          "trace " + file.getFileName()));
    }
    if (!missing.isEmpty()) {
      synchronized (run.results()) {
        description.put("tracesNotFound", Map.of("folder", dir.toString(), "files", missing));
      }
      run.progress().note("        cache: traces not found in " + dir + " (skipped): " + String.join(", ", missing));
    }
    Map<Trace, long[]> future = new LinkedHashMap<>();
    if (chosen.stream().anyMatch(CacheRunner::clairvoyant)) {
      workloads.forEach(w -> future.put(w.trace(), w.trace().nextAccess()));
    }
    double per = simulateSeconds(plan);
    Map<String, Map<String, Long>> optimum = new LinkedHashMap<>();
    List<StrategyDescriptor<CachePolicy>> ordered = new ArrayList<>(chosen);
    ordered.sort((a, b) -> Boolean.compare(!clairvoyant(a), !clairvoyant(b))); // the optimum first: the bound
    run.eachStrategy(family, "simulate", "cache simulate", ordered, StrategyDescriptor::name, d -> per, (d, s) -> {
      List<Map<String, Object>> out = new ArrayList<>();
      long above = 0;
      for (Workload w : workloads) {
        List<Map<String, Object>> points = new ArrayList<>();
        for (Capacity c : w.capacities()) {
          CacheSimulationResult r = CacheSimulator.run(d, Map.of(), w.trace(), c.value(), c.bytes(),
              future.get(w.trace()), plan.seed());
          Map<String, Object> point = new LinkedHashMap<>();
          point.put("capacity", r.capacity());
          point.put("capacityUnit", r.capacityUnit());
          point.put("hits", r.hits());
          point.put("hitRatio", r.hitRatio());
          point.put("byteHitRatio", r.byteHitRatio());
          point.put("evictions", r.evictions());
          point.put("nanosPerRequest", r.nanosPerRequest());
          if (!r.policy().isEmpty()) {
            point.put("policy", r.policy());
          }
          points.add(point);
          String at = w.trace().name() + "@" + r.capacity();
          if (clairvoyant(d)) {
            optimum.computeIfAbsent(d.name(), k -> new LinkedHashMap<>()).put(at, r.hits());
          } else if (optimum.containsKey("opt") && optimum.get("opt").containsKey(at)
              && r.hits() > optimum.get("opt").get(at)) {
            above++;
          }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", w.trace().name());
        m.put("source", w.source());
        m.put("requests", w.trace().requests());
        m.put("distinctKeys", w.trace().distinctKeys());
        m.put("points", points);
        out.add(m);
      }
      synchronized (run.results()) {
        s.simulate = new LinkedHashMap<>(Map.of("workloads", out));
        if (!clairvoyant(d) && optimum.containsKey("opt")) {
          s.checks.add(new Check("never more hits than Belady's optimum, on every workload and capacity",
              "simulate", above == 0, above, "== 0 points above"));
        }
      }
    });
  }

  // ---- micro -------------------------------------------------------------------------------------------------

  private void micro(CachePlan plan, List<String> policies, FamilyResults family) throws IOException {
    double perFork = forkSeconds(plan);
    List<MicroLens.Score> all = new ArrayList<>();
    run.microEach(family, policies, 2 * perFork, (name, json, step) -> {
      List<MicroLens.Score> scores = CacheMicro.measure(List.of(name), plan.microCapacities(), plan.microThreads(),
          plan.micro(), run.registry().plugins(), json, null, step);
      all.addAll(scores);
      return scores;
    });
    run.stopIfInterrupted();
    String file = "micro/jmh-cache-reference.json";
    try {
      List<MicroLens.Score> references = CacheMicro.measure(List.of(), plan.microCapacities(), plan.microThreads(),
          plan.micro(), run.registry().plugins(), null, run.folder().resolve(file),
          line -> run.progress().step("cache " + line + " (Caffeine and ConcurrentHashMap)", 6 * perFork));
      all.addAll(references);
      List<Map<String, Object>> rows = CacheMicro.versusReferences(all);
      Map<String, Object> reference = MicroLens.referenceResults(references, "versusCaffeine", rows, file);
      synchronized (run.results()) {
        family.reference = reference;
        StrategyResults lru = family.strategy("lru");
        for (Map<String, Object> row : rows) {
          if (lru != null && row.get("strategy").equals("lru") && row.get("operation").equals("get")
              && row.containsKey("ratioSameThread")) {
            // like for like: PolicyCache maintains its policy on the calling thread; Caffeine by default hands
            // that to the common ForkJoinPool (another core), so its default get is reported beside, not gated
            double ours = Figures.asDouble(row.get("oursNsPerOp"));
            double theirs = Figures.asDouble(row.get("caffeineSameThreadNsPerOp"));
            double slack = Figures.asDouble(row.get("oursNsPerOpError"))
                + 2 * Figures.asDouble(row.get("caffeineSameThreadNsPerOpError"));
            lru.checks.add(new Check("LRU get within 2x Caffeine's get, both maintaining on the calling thread, "
                + row.get("threads") + " thread(s), same run (within JMH error); against Caffeine's default"
                + " (maintenance on another core) " + row.get("ratio") + "x", "micro", ours <= 2 * theirs + slack,
                row.get("ratioSameThread"), "ours / Caffeine (same-thread executor) <= 2"));
          }
        }
      }
      for (Map<String, Object> row : rows) {
        if (row.get("operation").equals("get")) {
          run.progress().note(String.format(Locale.ROOT, "        %s get: %.1f ns, Caffeine %.1f ns (ours/Caffeine %.2f),"
              + " Caffeine maintaining on the calling thread %.1f ns (ours/that %.2f), %s thread(s)",
              row.get("strategy"), Figures.asDouble(row.get("oursNsPerOp")),
              Figures.asDouble(row.get("caffeineNsPerOp")), Figures.asDouble(row.get("ratio")),
              Figures.asDouble(row.get("caffeineSameThreadNsPerOp")),
              Figures.asDouble(row.get("ratioSameThread")), row.get("threads")));
        }
      }
    } catch (IOException | RuntimeException e) {
      run.referenceFailed(family, "cache", e);
    }
    run.save();
  }

  // ---- load --------------------------------------------------------------------------------------------------

  /** The target's options every cache run shares: the policy, the cache, the origin. */
  private static List<String> serveArgs(CachePlan.Load load, String policy, Path work, String originTime,
      int originCapacity, int originQueue) {
    List<String> serve = new ArrayList<>(List.of("--family", FAMILY, "--strategy", policy,
        "--io-threads", String.valueOf(load.ioThreads()), "--capacity", String.valueOf(load.capacity()),
        "--keys", String.valueOf(load.keys()), "--value-bytes", String.valueOf(load.valueBytes()),
        "--origin-time", originTime, "--origin-capacity", String.valueOf(originCapacity),
        "--origin-queue", String.valueOf(originQueue)));
    if (work != null) {
      serve.addAll(List.of("--hlog", LoadStep.serverLog(work).toString()));
    }
    return serve;
  }

  /** The policy the family's load is calibrated with: LRU, the classic. */
  private static final String CALIBRATION = "lru";

  private Map<String, String> gatlingProperties(CachePlan.Load load, TargetProcess target, Path work, String scenario,
      int seconds, int warmup) {
    Map<String, String> p = run.loadProperties(target, load.rate().perSecond(), seconds, warmup);
    p.put("scenario", scenario);
    p.put("keys", String.valueOf(load.keys()));
    p.put("zipf", String.valueOf(load.zipf()));
    p.put("seed", "1");
    return p;
  }

  /**
   * One load run: a target with {@code serve}, Gatling with {@code properties}; the client's and server's figures
   * and the cache stage's. With {@code crash} the stage is crashed after the run, and what it lost is reported.
   */
  private Map<String, Object> loadRun(String label, List<String> serve, Path work,
      java.util.function.Function<TargetProcess, Map<String, String>> properties, int seconds, boolean crash,
      String lagAllowance) throws IOException, InterruptedException {
    try (LoadStep step = run.loadStep("cache " + label, work)) {
      if (lagAllowance != null) {
        step.tolerate(STAMPEDE_LAG_MILLIS, lagAllowance);
      }
      TargetProcess target = step.target("target", serve, work);
      GatlingRun.Result gatling = step.gatling(io.strategybench.cache.CacheSimulation.class, properties.apply(target),
          "request");
      Map<String, Object> stats = target.stats();
      Map<String, Object> load = step.measured(gatling, stats, List.of(stats), seconds);
      Map<String, Object> cache = cache(stats, seconds);
      if (crash) {
        Object lost = target.post("/_/cache/crash").get("lostWrites");
        @SuppressWarnings("unchecked")
        Map<String, Object> writeBehind = (Map<String, Object>) cache.get("writeBehind");
        writeBehind.put("lostOnCrashAtEnd", lost);
      }
      load.put("cache", cache);
      try {
        GatlingRun.Result writes = GatlingRun.read(gatling.runFolder(), "write", gatling.status());
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("requests", writes.requests());
        w.put("ko", writes.ko());
        writes.latencyMillis().forEach((k, v) -> w.put(k + "Millis", v));
        load.put("writes", w);
      } catch (IOException e) {
        // the scenario made no writes
      }
      load.put("files", run.loadFiles(gatling, work));
      return load;
    }
  }

  /** The cache stage's figures, per-second series cut to the measured phase. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> cache(Map<String, Object> stats, int seconds) {
    Map<String, Object> stage = (Map<String, Object>) ((Map<String, Object>) stats.get("stages")).get("cache");
    Map<String, Object> cache = new LinkedHashMap<>(stage);
    Map<String, Object> origin = (Map<String, Object>) stage.get("origin");
    cache.put("originRps", Figures.round(Figures.asDouble(origin.get("requests")) / seconds));
    cache.put("originReadsPerSecond", Figures.round(Figures.asDouble(origin.get("reads")) / seconds));
    Map<String, Object> series = new LinkedHashMap<>();
    ((Map<String, Object>) stage.get("perSecond")).forEach((k, v) -> series.put(k, cut(v, seconds)));
    cache.put("perSecond", series);
    return cache;
  }

  private static List<Object> cut(Object values, int seconds) {
    List<Object> out = new ArrayList<>();
    if (values instanceof List<?> list) {
      for (int i = 0; i < Math.min(seconds, list.size()); i++) {
        out.add(list.get(i));
      }
    }
    return out;
  }

  private void load(CachePlan plan, List<String> policies, FamilyResults family)
      throws IOException, InterruptedException {
    CachePlan.Load load = plan.load();
    List<String> runs = policies.stream().filter(p -> loads(plan, p)).toList();
    run.eachStrategy(family, "load", "cache load", runs, policy -> policy, policy -> loadSeconds(load), (policy, s) -> {
      Path work = run.folder().resolve("load").resolve(FAMILY).resolve(policy);
      Map<String, Object> result = loadRun(policy, serveArgs(load, policy, work, load.originTime(),
          load.originCapacity(), load.originQueue()), work,
          target -> gatlingProperties(load, target, work, "steady", load.seconds(), load.warmupSeconds()),
          load.seconds(), false, null);
      synchronized (run.results()) {
        s.load = result;
      }
      note(policy, result);
    });
  }

  @SuppressWarnings("unchecked")
  private void note(String label, Map<String, Object> result) {
    Map<String, Object> cache = (Map<String, Object>) result.get("cache");
    Map<String, Object> origin = (Map<String, Object>) cache.get("origin");
    run.progress().note(String.format(Locale.ROOT, "        %s: hit ratio %.1f%%, origin %.0f req/s (peak %s in a"
        + " second), stale reads %s, client p99 %s ms, errors %.2f%%", label,
        Figures.asDouble(cache.get("hitRatio")) * 100, Figures.asDouble(cache.get("originRps")),
        Figures.fmt(origin.get("peakPerSecond")), Figures.fmt(cache.get("staleReads")),
        Figures.fmt(Figures.nested(result, "client", "p99Millis")),
        Figures.asDouble(Figures.nested(result, "client", "errorRate")) * 100));
  }

  // ---- scenarios: write strategies and protections -----------------------------------------------------------

  /** One variant of a scenario: its name, the target's extra options, Gatling's, and its own timing. */
  private record Variant(String scenario, String name, List<String> serve, Map<String, String> gatling,
      String originTime, int originCapacity, int originQueue, int seconds, int warmup, boolean crash,
      String lagAllowance) {
    Variant(String scenario, String name, List<String> serve, Map<String, String> gatling, String originTime,
        int originCapacity, int originQueue, int seconds, int warmup, boolean crash) {
      this(scenario, name, serve, gatling, originTime, originCapacity, originQueue, seconds, warmup, crash, null);
    }
  }

  /**
   * What a stampede tolerates of the generator's lag and the target's delay: the burst of 1,000 readers, all due at
   * once, must meet the expired hot key within the origin's read of it (500 ms); a generator spreads 1,000 users
   * over tens of milliseconds, and on a small machine the target takes as long to read them.
   */
  static final int STAMPEDE_LAG_MILLIS = 400;

  private List<Variant> variants(CachePlan plan) {
    CachePlan.Load load = plan.load();
    List<Variant> out = new ArrayList<>();
    int seconds = load.seconds();
    for (String w : plan.writeStrategies()) {
      out.add(new Variant("writeStrategies", w, List.of("--write-strategy", w, "--ttl", load.writeTtl()),
          Map.of("scenario", "steady", "writes", String.valueOf(load.writeShare())), load.originTime(),
          load.originCapacity(), load.originQueue(), seconds, load.warmupSeconds(), w.equals("write-behind")));
    }
    // a stampede: 1,000 readers meet the hot key just expired; the origin takes 500 ms and turns nobody away
    Map<String, String> burst = Map.of("scenario", "stampede", "hot.rate", "50", "burst", "1000", "burst.at", "2");
    for (String p : plan.stampede()) {
      List<String> serve = new ArrayList<>(List.of("--ttl", "60s"));
      switch (p) {
        case "none" -> { }
        case "single-flight" -> serve.add("--single-flight");
        case "xfetch" -> serve.addAll(List.of("--xfetch-beta", "1"));
        case "lock-stale" -> serve.add("--lock-stale");
        default -> throw new IllegalArgumentException("unknown stampede protection '" + p + "'");
      }
      out.add(new Variant("stampede", p, serve, burst, "const:500ms", 2048, 2048, 4, 2, false, "the burst of 1,000"
          + " readers must meet the expired key within the origin's 500 ms read of it; 400 ms is tolerated"));
    }
    // penetration: keys that do not exist, read in turn, each about 10 times over the phase (a negative entry is
    // admitted like any other, and an admission policy such as W-TinyLFU takes a key seen more than once): at
    // most 200, or a quarter of the cache
    long reads = Math.round(load.rate().perSecond() * seconds);
    Map<String, String> absent = Map.of("scenario", "penetration", "missing",
        String.valueOf(Math.max(1, Math.min(Math.min(200, load.capacity() / 4), Math.max(10, reads / 10)))));
    for (String p : plan.penetration()) {
      List<String> serve = switch (p) {
        case "none" -> List.of();
        case "negative-cache" -> List.of("--negative-ttl", "60s");
        case "bloom" -> List.of("--bloom");
        default -> throw new IllegalArgumentException("unknown penetration protection '" + p + "'");
      };
      out.add(new Variant("penetration", p, serve, absent, load.originTime(), load.originCapacity(),
          load.originQueue(), seconds, load.warmupSeconds(), false));
    }
    // an avalanche: keys filling 80% of the cache, all filled within half a second with a 4 s TTL, read uniformly
    long fitting = Math.max(1, Math.min(load.keys(), load.capacity() * 4 / 5));
    Map<String, String> together = Map.of("scenario", "avalanche", "keys", String.valueOf(fitting), "fill.rate",
        String.valueOf(2 * fitting));
    int avalancheSeconds = Math.max(seconds, 8);
    for (String p : plan.avalanche()) {
      switch (p) {
        case "none" -> out.add(new Variant("avalanche", p, List.of("--ttl", "4s"), together, load.originTime(),
            load.originCapacity(), load.originQueue(), avalancheSeconds, 2, false));
        case "jitter" -> out.add(new Variant("avalanche", p, List.of("--ttl", "4s", "--ttl-jitter", "0.5"), together,
            load.originTime(), load.originCapacity(), load.originQueue(), avalancheSeconds, 2, false));
        // a restart: the cache starts cold (or preloaded); the warm-up reads /_/health, so the generator is warm and
        // the cache is not
        case "cold" -> out.add(new Variant("restart", p, List.of(), Map.of("scenario", "steady", "warmup.health",
            "true"), load.originTime(), load.originCapacity(), load.originQueue(), seconds, 2, false));
        case "preload" -> out.add(new Variant("restart", p, List.of("--preload",
            String.valueOf(Math.min(load.capacity(), load.keys()) / 2)), Map.of("scenario", "steady",
            "warmup.health", "true"), load.originTime(), load.originCapacity(), load.originQueue(), seconds, 2, false));
        default -> throw new IllegalArgumentException("unknown avalanche protection '" + p + "'");
      }
    }
    if (plan.conditional()) {
      out.add(new Variant("conditional", "if-none-match", List.of(), Map.of("scenario", "conditional"),
          load.originTime(), load.originCapacity(), load.originQueue(), seconds, load.warmupSeconds(), false));
    }
    return out;
  }

  private void scenarios(CachePlan plan, List<String> policies, FamilyResults family)
      throws IOException, InterruptedException {
    String policy = plan.scenarioPolicy(policies);
    CachePlan.Load load = plan.load();
    List<Variant> variants = variants(plan);
    Map<String, Object> scenarios = new LinkedHashMap<>();
    synchronized (run.results()) {
      family.scenarios = scenarios;
    }
    int i = 0;
    for (Variant v : variants) {
      run.stopIfInterrupted();
      run.progress().step(String.format("cache %s %s (%d/%d)", v.scenario(), v.name(), ++i, variants.size()),
          v.warmup() + v.seconds() + 8);
      Path work = run.folder().resolve("load").resolve(FAMILY + "-" + v.scenario()).resolve(v.name());
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("variant", v.name());
      entry.put("policy", policy);
      entry.put("serve", v.serve());
      entry.put("gatling", v.gatling());
      try {
        List<String> serve = serveArgs(load, policy, work, v.originTime(), v.originCapacity(), v.originQueue());
        serve.addAll(v.serve());
        Map<String, Object> result = loadRun(v.scenario() + " " + v.name(), serve, work, target -> {
          Map<String, String> p = gatlingProperties(load, target, work, v.gatling().get("scenario"), v.seconds(),
              v.warmup());
          p.putAll(v.gatling());
          return p;
        }, v.seconds(), v.crash(), v.lagAllowance());
        entry.put("load", result);
        note(v.scenario() + " " + v.name(), result);
      } catch (IOException | RuntimeException e) {
        if (!run.isInterrupted()) {
          entry.put("error", String.valueOf(e.getMessage()));
          synchronized (run.results()) {
            family.errors.add("load " + v.scenario() + " " + v.name() + ": " + e.getMessage());
          }
          run.progress().note("        cache " + v.scenario() + " " + v.name() + " failed: " + e.getMessage());
        }
      }
      synchronized (run.results()) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) scenarios.computeIfAbsent(v.scenario(),
            k -> new ArrayList<Map<String, Object>>());
        list.add(entry);
        family.checks.clear();
        family.checks.addAll(CacheChecks.of(scenarios));
      }
      run.save();
    }
  }

  private Map<String, Object> workload(CachePlan plan) {
    Map<String, Object> w = new LinkedHashMap<>();
    Map<String, Object> simulate = new LinkedHashMap<>();
    simulate.put("workloads", plan.workloads().stream().map(Workloads::describe).toList());
    simulate.put("capacities", plan.capacities());
    simulate.put("traces", plan.traces());
    // relative to the StrategyBench home: results carry no path of the machine they ran on
    Path home = Path.of(System.getProperty("strategybench.home", ".")).toAbsolutePath().normalize();
    simulate.put("tracesFolder", home.relativize(tracesDir()).toString());
    simulate.put("seed", plan.seed());
    simulate.put("model", "every request a lookup, a miss inserts the key (the policy evicts first), no warm-up");
    w.put("simulate", simulate);
    Map<String, Object> micro = new LinkedHashMap<>();
    micro.put("capacities", plan.microCapacities());
    micro.put("threads", plan.microThreads());
    micro.put("keys", "Zipf(0.99) over 100,000 keys");
    micro.put("settings", plan.micro());
    w.put("micro", micro);
    Map<String, Object> load = new LinkedHashMap<>(Json.MAPPER.convertValue(plan.load(), Map.class));
    load.put("profile", run.profile());
    load.put("writeStrategies", plan.writeStrategies());
    load.put("stampede", plan.stampede());
    load.put("penetration", plan.penetration());
    load.put("avalanche", plan.avalanche());
    load.put("conditional", plan.conditional());
    w.put("load", load);
    return w;
  }
}
