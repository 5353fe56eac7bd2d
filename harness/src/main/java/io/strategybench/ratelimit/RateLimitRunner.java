package io.strategybench.ratelimit;

import io.strategybench.family.PlanRun;
import io.strategybench.run.Calibration;
import io.strategybench.run.Figures;
import io.strategybench.run.GatlingRun;
import io.strategybench.run.LoadStep;
import io.strategybench.run.MicroLens;
import io.strategybench.run.Rate;
import io.strategybench.run.RunContext;
import io.strategybench.run.TargetProcess;
import io.strategybench.ratelimit.Arrivals;
import io.strategybench.ratelimit.RateLimitMicro;
import io.strategybench.ratelimit.RateLimitSimulationResult;
import io.strategybench.ratelimit.RateLimitSimulator;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.ratelimit.RedisForSimulation;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
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
 * The rate-limiting family of a suite: every limiter replays arrival patterns on the virtual clock beside an
 * exact sliding log; JMH of one decision with Bucket4j, Guava and Resilience4j measured beside our token
 * bucket; a load run per strategy with well-behaved and abusive clients; and, where the plan asks, each
 * Redis strategy on three target instances sharing one Redis behind a fourth, next to its in-memory twin.
 */
final class RateLimitRunner extends PlanRun<RateLimitPlan> {
  private static final String FAMILY = RateLimiter.FAMILY.name();
  RateLimitRunner(RunContext run, RateLimitPlan planned) {
    super(run, planned, RateLimitPlan::withLoadSeconds);
  }

  /** Seconds the family will take here, roughly, for the progress line. */
  @Override
  public double estimateSeconds() {
    RateLimitPlan plan = plan();
    List<StrategyDescriptor<RateLimiter>> chosen = run.chosen(RateLimiter.FAMILY);
    long loads = chosen.stream().filter(d -> plan.loads(d.name())).count();
    long distributed = !plan.distributed() ? 0
        : twins(run.registry().strategies(RateLimiter.FAMILY), chosen).stream().mapToLong(List::size).sum();
    // A Redis strategy simulates at one round trip (about 80 µs here) per arrival; the others take no time.
    double arrivals = plan.rateMultiple() * plan.limit() * 1000.0 / plan.windowMillis() * plan.simulateKeys()
        * plan.simulateSeconds() * plan.patterns().size();
    long remote = chosen.stream().filter(RedisForSimulation::needsRedis).count();
    return (run.wants("simulate") ? chosen.size() * 0.5 * plan.patterns().size() + remote * arrivals * 80e-6 : 0)
        + (run.wants("micro") ? (chosen.size() + 2) * microSeconds(plan) : 0)
        + (run.wants("load") ? loads * loadSeconds(plan) + distributed * (loadSeconds(plan) + 6) : 0);
  }

  private static double microSeconds(RateLimitPlan plan) {
    double perParam = plan.micro().iterationSeconds() + 1.0;
    return plan.microThreads().size() * plan.microKeys().size() * perParam;
  }

  private static double loadSeconds(RateLimitPlan plan) {
    return plan.warmupSeconds() + plan.loadSeconds() + 6;
  }

  @Override
  public void run() throws IOException, InterruptedException {
    RateLimitPlan plan = plan();
    List<StrategyDescriptor<RateLimiter>> chosen = new ArrayList<>(run.chosen(RateLimiter.FAMILY));
    Map<String, Object> workload = workload(plan);
    RedisForSimulation redis = null;
    if (chosen.stream().anyMatch(RedisForSimulation::needsRedis)) {
      try {
        redis = RedisForSimulation.open(System.getProperty("strategybench.redis"));
      } catch (RuntimeException e) {
        List<String> skipped = chosen.stream().filter(RedisForSimulation::needsRedis).map(StrategyDescriptor::name)
            .toList();
        chosen.removeIf(RedisForSimulation::needsRedis);
        workload.put("skipped", Map.of("strategies", skipped, "reason", String.valueOf(e.getMessage())));
        run.progress().note("        ratelimit: skipping " + String.join(", ", skipped) + ": " + e.getMessage());
      }
    }
    FamilyResults family = run.addFamily(RateLimiter.FAMILY, workload, chosen);
    try {
      String redisUri = redis == null ? null : redis.uri();
      if (run.wants("simulate")) {
        simulate(plan, chosen, family, redisUri);
      }
      if (run.wants("micro")) {
        micro(plan, chosen, family, redisUri);
      }
      if (run.wants("load")) {
        load(plan, chosen, family, redisUri);
      }
    } finally {
      if (redis != null) {
        redis.close();
      }
    }
  }

  // ---- simulate ----------------------------------------------------------------------------------------------

  private void simulate(RateLimitPlan plan, List<StrategyDescriptor<RateLimiter>> chosen, FamilyResults family,
      String redisUri) throws IOException, InterruptedException {
    long window = plan.windowMillis() * 1_000_000L;
    double rate = plan.rateMultiple() * plan.limit() * 1000.0 / plan.windowMillis();
    double perRemote = rate * plan.simulateKeys() * plan.simulateSeconds() * plan.patterns().size() * 80e-6;
    Map<String, Arrivals> arrivals = new LinkedHashMap<>();
    for (String pattern : plan.patterns()) {
      arrivals.put(pattern, Arrivals.generate(pattern, plan.simulateKeys(), rate, plan.simulateSeconds() * 1_000_000_000L,
          plan.limit(), window, plan.seed()));
    }
    run.eachStrategy(family, "simulate", "ratelimit simulate", chosen, StrategyDescriptor::name,
        d -> 0.5 * plan.patterns().size() + (RedisForSimulation.needsRedis(d) ? perRemote : 0), (d, s) -> {
          List<Map<String, Object>> patterns = new ArrayList<>();
          List<Check> checks = new ArrayList<>();
          for (Map.Entry<String, Arrivals> e : arrivals.entrySet()) {
            RateLimitSimulationResult r = RateLimitSimulator.run(d, Map.of(), plan.limit(), plan.windowMillis(),
                e.getValue(), e.getKey(), RateLimitSimulator.Service.DEFAULT, plan.seed(), redisUri);
            patterns.add(Figures.toMap(r));
            Double bound = d.has(RateLimiter.WINDOW_EXACT) ? Double.valueOf(1.0)
                : d.has(RateLimiter.WINDOW_TWICE) ? Double.valueOf(2.0) : null;
            if (bound != null) {
              long most = Math.round(bound * plan.limit());
              checks.add(new Check(e.getKey() + ": never more than " + most + " admitted in any window ("
                  + (bound == 1.0 ? "the limit" : "twice the limit, as the algorithm allows") + ")", "simulate",
                  r.maxAdmittedInWindow() <= most, r.maxAdmittedInWindow(), "<= " + most));
            }
            if (d.has(RateLimiter.SLIDING_LOG)) {
              checks.add(new Check(e.getKey() + ": decides exactly as the exact sliding log", "simulate",
                  r.falseAdmits() == 0 && r.falseRejects() == 0, r.falseAdmits() + r.falseRejects(), "== 0"));
            }
          }
          Map<String, Object> simulate = new LinkedHashMap<>(patterns.get(0));
          simulate.put("patterns", patterns);
          synchronized (run.results()) {
            s.simulate = simulate;
            s.checks.addAll(checks);
          }
        });
  }

  // ---- micro -------------------------------------------------------------------------------------------------

  private void micro(RateLimitPlan plan, List<StrategyDescriptor<RateLimiter>> chosen, FamilyResults family,
      String redisUri) throws IOException {
    double perMicro = microSeconds(plan);
    run.microEach(family, chosen.stream().map(StrategyDescriptor::name).toList(),
        perMicro / plan.microThreads().size(),
        (name, json, step) -> RateLimitMicro.measure(List.of(name), plan.microKeys(), plan.microThreads(),
            plan.micro(), run.registry().plugins(), json, null, redisUri, step));
    run.stopIfInterrupted();
    reference(plan, family, perMicro);
    run.save();
  }

  /** Our token bucket beside Bucket4j, Guava and Resilience4j in one JMH run; a check against Bucket4j. */
  private void reference(RateLimitPlan plan, FamilyResults family, double perMicro) {
    String file = "micro/jmh-ratelimit-reference.json";
    try {
      List<MicroLens.Score> scores = RateLimitMicro.measure(List.of(), plan.microKeys(), plan.microThreads(),
          plan.micro(), run.registry().plugins(), null, run.folder().resolve(file), null,
          line -> run.progress().step("ratelimit " + line + " (token bucket vs libraries)",
              perMicro / plan.microThreads().size()));
      List<Map<String, Object>> rows = RateLimitMicro.versusReferences(scores);
      Map<String, Object> reference = MicroLens.referenceResults(scores, "tokenBucketVsReferences", rows, file);
      StrategyResults bucket = family.strategy("token-bucket");
      synchronized (run.results()) {
        family.reference = reference;
        if (bucket != null) {
          for (Map<String, Object> row : rows) {
            if (!"bucket4j".equals(row.get("library"))) {
              continue;
            }
            double ours = Figures.asDouble(row.get("oursNsPerOp"));
            double theirs = Figures.asDouble(row.get("libraryNsPerOp"));
            double oursError = Figures.asDouble(row.get("oursNsPerOpError"));
            double theirsError = Figures.asDouble(row.get("libraryNsPerOpError"));
            Check check = new Check("token bucket with " + row.get("keys") + " key(s), " + row.get("threads")
                + " thread(s), is at least as fast as Bucket4j's (within JMH error)", "micro",
                ours <= theirs + oursError + theirsError, row.get("ratio"), "ours / Bucket4j <= 1 within error")
                .margin("the two scores' 99.9% error bounds");
            // two scores a few percent apart trade places from run to run on a shared machine: without error
            // bounds (JMH gives none for fewer than 3 measured iterations) the comparison says nothing, and a plan
            // that asks for so few iterations gets the ratio without a check
            if (oursError > 0 && theirsError > 0) {
              bucket.checks.add(check);
            } else {
              run.progress().note("        token bucket vs Bucket4j not checked: JMH gave no error bound (fewer than"
                  + " 3 measured iterations)");
            }
          }
        }
      }
      for (Map<String, Object> row : rows) {
        run.progress().note(String.format(Locale.ROOT, "        token bucket vs %s, %s key(s), %s thread(s): ours %.1f"
            + " ns, theirs %.1f ns (ours/theirs %.3f)", row.get("library"), row.get("keys"), row.get("threads"),
            Figures.asDouble(row.get("oursNsPerOp")), Figures.asDouble(row.get("libraryNsPerOp")),
            Figures.asDouble(row.get("ratio"))));
      }
    } catch (IOException | RuntimeException e) {
      run.referenceFailed(family, "rate-limit", e);
    }
  }

  // ---- load --------------------------------------------------------------------------------------------------

  private void load(RateLimitPlan plan, List<StrategyDescriptor<RateLimiter>> chosen, FamilyResults family,
      String redisUri) throws IOException, InterruptedException {
    List<StrategyDescriptor<RateLimiter>> loaded = chosen.stream().filter(d -> plan.loads(d.name())).toList();
    run.eachStrategy(family, "load", "ratelimit load", loaded, StrategyDescriptor::name, d -> loadSeconds(plan),
        (d, s) -> {
          Map<String, Object> load = single(plan, d, redisUri);
          Map<String, Object> rl = asMap(load.get("ratelimit"));
          synchronized (run.results()) {
            s.load = load;
            if (!d.has(RateLimiter.IN_FLIGHT)) {
              double most = allowedPerKey(plan);
              double seen = Figures.asDouble(rl.get("maxAdmittedPerKeyPerSecond"));
              // Judged only when the limiter was measured: requests reached it and the abusive keys were seen.
              boolean measured = Figures.asDouble(rl.get("requests")) > 0
                  && (plan.abusiveClients() == 0 || Figures.asDouble(rl.get("abusiveKeysSeen")) > 0);
              s.checks.add(new Check("no client key admitted above its limit (" + plan.loadLimit() + "/s, over "
                  + plan.loadSeconds() + " s)", "load", measured && seen <= most, seen, "<= " + Figures.round(most)
                  + (measured ? "" : ", but the limiter saw no abusive key"))
                  .margin("one window's burst over the measured seconds (limit x (T+1)/T); otherwise an invariant of"
                      + " the limiter, whatever the machine does"));
            }
          }
          run.progress().note(String.format(Locale.ROOT, "        %s: abusive key admitted %.1f/s (limit %d/s),"
              + " 429 share good %.1f%% abusive %.1f%%, decision p99 %s µs, client p99 %s ms", d.name(),
              Figures.asDouble(rl.get("maxAdmittedPerKeyPerSecond")), plan.loadLimit(),
              Figures.asDouble(Figures.nested(asMap(rl.get("classes")), "good", "rejectedShare")) * 100,
              Figures.asDouble(Figures.nested(asMap(rl.get("classes")), "abusive", "rejectedShare")) * 100,
              Figures.fmt(Figures.nested(rl, "decisionLatency", "p99Micros")),
              Figures.fmt(Figures.nested(load, "client", "p99Millis"))));
        });
    if (!plan.distributed()) {
      return;
    }
    List<List<StrategyDescriptor<RateLimiter>>> pairs = twins(run.registry().strategies(RateLimiter.FAMILY), chosen);
    int pair = 0;
    for (List<StrategyDescriptor<RateLimiter>> twins : pairs) {
      pair++;
      for (StrategyDescriptor<RateLimiter> d : twins) {
        String name = d.name();
        if (d.has(RateLimiter.REMOTE_STATE) && redisUri == null) {
          continue;
        }
        run.stopIfInterrupted();
        run.progress().step(String.format("ratelimit distributed %s, %d instances (pair %d/%d)", name,
            RateLimitPlan.INSTANCES, pair, pairs.size()), loadSeconds(plan) + 6);
        StrategyResults s = family.strategy(name);
        try {
          Map<String, Object> distributed = distributed(plan, d, redisUri);
          synchronized (run.results()) {
            if (s.load == null) {
              s.load = new LinkedHashMap<>();
            }
            s.load.put("distributed", distributed);
            if (d.has(RateLimiter.REMOTE_STATE)) {
              double most = allowedPerKey(plan) * 1.01;
              double seen = Figures.asDouble(distributed.get("maxAdmittedPerKeyPerSecond"));
              boolean measured = Figures.asDouble(distributed.get("abusiveKeysSeen")) > 0;
              s.checks.add(new Check("three instances sharing Redis hold the global limit per key (over-admission"
                  + " under 1%)", "load", measured && seen <= most, seen, "<= " + Figures.round(most))
                  .margin("one window's burst and 1%: the instances share one state, whatever the machine does"));
            }
          }
          run.progress().note(String.format(Locale.ROOT, "        %s on %d instances: abusive key admitted %.1f/s"
              + " globally, %.2f x the limit of %d/s", name, RateLimitPlan.INSTANCES,
              Figures.asDouble(distributed.get("maxAdmittedPerKeyPerSecond")),
              Figures.asDouble(distributed.get("overLimit")), plan.loadLimit()));
        } catch (IOException | RuntimeException e) {
          run.fail(s, "load", e);
        }
        run.save();
      }
    }
  }

  /**
   * The distributed runs' pairs: each remote-state strategy of the family ({@code all}) with the in-memory one it
   * declares itself the twin of ({@link RateLimiter#TWIN_OF}), each kept when chosen; pairs with neither chosen
   * are left out.
   */
  static List<List<StrategyDescriptor<RateLimiter>>> twins(List<StrategyDescriptor<RateLimiter>> all,
      List<StrategyDescriptor<RateLimiter>> chosen) {
    List<String> names = chosen.stream().map(StrategyDescriptor::name).toList();
    List<List<StrategyDescriptor<RateLimiter>>> pairs = new ArrayList<>();
    for (StrategyDescriptor<RateLimiter> remote : all) {
      if (!remote.has(RateLimiter.REMOTE_STATE)) {
        continue;
      }
      List<StrategyDescriptor<RateLimiter>> pair = new ArrayList<>();
      if (names.contains(remote.name())) {
        pair.add(remote);
      }
      remote.characteristics().stream().filter(c -> c.startsWith(RateLimiter.TWIN_OF))
          .map(c -> c.substring(RateLimiter.TWIN_OF.length()))
          .flatMap(twin -> chosen.stream().filter(d -> d.name().equals(twin))).findFirst().ifPresent(pair::add);
      if (!pair.isEmpty()) {
        pairs.add(pair);
      }
    }
    return pairs;
  }

  /** What a three-instance run tolerates of the generator's lag and of its targets' event-loop delay, in ms. */
  static final int DISTRIBUTED_TOLERANCE_MILLIS = 100;

  /** The most a key may be admitted per second over the measured phase: limit·(T+1)/T (one window of burst). */
  private static double allowedPerKey(RateLimitPlan plan) {
    return plan.loadLimit() * (plan.loadSeconds() + 1.0) / plan.loadSeconds();
  }

  /** The serve arguments of a rate-limited target running {@code strategy}. */
  private List<String> serveArgs(RateLimitPlan plan, StrategyDescriptor<RateLimiter> strategy, String redisUri,
      Path work) {
    List<String> serve = new ArrayList<>(List.of("--family", FAMILY, "--strategy", strategy.name(),
        "--io-threads", String.valueOf(plan.ioThreads()),
        "--rule", "name=api,key=header:X-Api-Key,limit=" + plan.loadLimit() + ",window=1s",
        "--simulated", "2", "--sim-weights", "1,1", "--sim-capacities", "512,512", "--sim-service-time", "const:1ms",
        "--sim-queue", "1024", "--sim-response-bytes", "256", "--hlog", LoadStep.serverLog(work).toString()));
    if (RedisForSimulation.needsRedis(strategy) && redisUri != null) {
      serve.addAll(List.of("-p", "redis=" + redisUri));
    }
    return serve;
  }

  private Map<String, String> gatlingProperties(RateLimitPlan plan, String url, Path work) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("target.url", url);
    properties.put("duration", String.valueOf(plan.loadSeconds()));
    properties.put("warmup", String.valueOf(plan.warmupSeconds()));
    properties.put("good.clients", String.valueOf(plan.goodClients()));
    properties.put("good.rate", String.valueOf(plan.goodRate()));
    properties.put("abusive.clients", String.valueOf(plan.abusiveClients()));
    properties.put("abusive.rate", String.valueOf(plan.abusiveRate()));
    properties.put("path", "/api/resource");
    return properties;
  }

  private Map<String, Object> single(RateLimitPlan plan, StrategyDescriptor<RateLimiter> strategy, String redisUri)
      throws IOException, InterruptedException {
    Path work = run.folder().resolve("load").resolve(FAMILY).resolve(strategy.name());
    try (LoadStep step = run.loadStep("ratelimit " + strategy.name(), work)) {
      TargetProcess target = step.target("target", serveArgs(plan, strategy, redisUri, work), work);
      GatlingRun.Result gatling = step.gatling(io.strategybench.ratelimit.RateLimitSimulation.class,
          gatlingProperties(plan, target.url(), work), "request");
      Map<String, Object> stats = target.stats();
      Map<String, Object> load = step.measured(gatling, stats, List.of(stats), plan.loadSeconds());
      load.put("ratelimit", limiterFigures(List.of(stage(stats)), plan));
      load.put("files", run.loadFiles(gatling, work));
      return load;
    }
  }

  /**
   * Three rate-limited targets sharing {@code redisUri} (or each with its own memory, for an in-memory
   * strategy) behind a fourth that balances round robin; Gatling drives the fourth.
   */
  private Map<String, Object> distributed(RateLimitPlan plan, StrategyDescriptor<RateLimiter> strategy, String redisUri)
      throws IOException, InterruptedException {
    Path work = run.folder().resolve("load").resolve(FAMILY + "-distributed").resolve(strategy.name());
    String label = "ratelimit " + strategy.name() + " on " + RateLimitPlan.INSTANCES + " instances";
    try (LoadStep step = run.loadStep(label, work)) {
      // five JVMs (three instances, the front, Gatling) and Redis share the machine by design; what the run measures
      // is how many requests of a key are admitted per second, which a loop late by tens of milliseconds leaves alone
      step.tolerate(DISTRIBUTED_TOLERANCE_MILLIS, "three instances and a front on one machine: the run measures"
          + " admissions per second, which delays well under a second do not change");
      List<TargetProcess> instances = new ArrayList<>();
      for (int i = 1; i <= RateLimitPlan.INSTANCES; i++) {
        Path dir = work.resolve("instance-" + i);
        instances.add(step.target("instance " + i, serveArgs(plan, strategy, redisUri, dir), dir));
      }
      List<String> front = new ArrayList<>(List.of("--family", "lb", "--strategy", "round-robin", "--io-threads",
          String.valueOf(plan.ioThreads()), "--hlog", LoadStep.serverLog(work).toString()));
      for (TargetProcess t : instances) {
        front.addAll(List.of("--backend", "127.0.0.1:" + t.port()));
      }
      TargetProcess balancer = step.target("front", front, work.resolve("front"));
      Map<String, String> properties = gatlingProperties(plan, balancer.url(), work);
      properties.put("reset.urls", String.join(",", instances.stream().map(TargetProcess::url).toList()));
      GatlingRun.Result gatling = step.gatling(io.strategybench.ratelimit.RateLimitSimulation.class, properties,
          "request");
      List<Map<String, Object>> all = new ArrayList<>();
      List<Map<String, Object>> stages = new ArrayList<>();
      for (TargetProcess t : instances) {
        Map<String, Object> stats = t.stats();
        all.add(stats);
        stages.add(stage(stats));
      }
      Map<String, Object> frontStats = balancer.stats();
      all.add(frontStats);
      Map<String, Object> out = limiterFigures(stages, plan);
      out.put("instances", RateLimitPlan.INSTANCES);
      out.put("sharedState", strategy.has(RateLimiter.REMOTE_STATE) ? "redis" : "per-instance memory");
      out.putAll(step.measured(gatling, frontStats, all, plan.loadSeconds()));
      List<Object> perInstance = new ArrayList<>();
      for (Map<String, Object> st : stages) {
        perInstance.add(Map.of("admitted", st.getOrDefault("admitted", 0), "rejected", st.getOrDefault("rejected", 0)));
      }
      out.put("perInstance", perInstance);
      out.put("files", run.loadFiles(gatling, work));
      return out;
    }
  }

  private static Map<String, Object> stage(Map<String, Object> stats) {
    return asMap(asMap(stats.get("stages")).get("ratelimit"));
  }

  /**
   * The limiter's figures over the measured phase, summed over the instances that ran it: per client class
   * the admitted and rejected counts and per-second series, the most admitted for one key per second (the
   * global rate of the busiest abusive key) against the limit, and the decision latency of the first instance.
   */
  static Map<String, Object> limiterFigures(List<Map<String, Object>> stages, RateLimitPlan plan) {
    int seconds = plan.loadSeconds();
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Map<String, Object>> classes = new LinkedHashMap<>();
    Map<String, Long> perKey = new LinkedHashMap<>();
    long admitted = 0;
    long rejected = 0;
    for (Map<String, Object> stage : stages) {
      admitted += ((Number) stage.getOrDefault("admitted", 0)).longValue();
      rejected += ((Number) stage.getOrDefault("rejected", 0)).longValue();
      asMap(stage.get("classes")).forEach((name, value) -> {
        Map<String, Object> c = asMap(value);
        Map<String, Object> sum = classes.computeIfAbsent(name, k -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("admitted", 0L);
          m.put("rejected", 0L);
          m.put("admittedPerSecond", new ArrayList<Long>());
          m.put("rejectedPerSecond", new ArrayList<Long>());
          return m;
        });
        sum.put("admitted", (Long) sum.get("admitted") + ((Number) c.get("admitted")).longValue());
        sum.put("rejected", (Long) sum.get("rejected") + ((Number) c.get("rejected")).longValue());
        addSeries(sum, "admittedPerSecond", c.get("admittedPerSecond"), seconds);
        addSeries(sum, "rejectedPerSecond", c.get("rejectedPerSecond"), seconds);
      });
      asMap(stage.get("topKeysAdmitted")).forEach((key, value) ->
          perKey.merge(key, ((Number) value).longValue(), Long::sum));
    }
    classes.values().forEach(c -> {
      long a = (Long) c.get("admitted");
      long r = (Long) c.get("rejected");
      c.put("rejectedShare", a + r == 0 ? 0.0 : Figures.round((double) r / (a + r)));
    });
    long abusiveKeys = perKey.keySet().stream().filter(k -> k.contains("abusive")).count();
    long busiest = perKey.entrySet().stream().filter(e -> e.getKey().contains("abusive"))
        .mapToLong(Map.Entry::getValue).max().orElse(0);
    out.put("abusiveKeysSeen", abusiveKeys);
    out.put("requests", stages.stream().mapToLong(st -> ((Number) st.getOrDefault("requests", 0)).longValue()).sum());
    out.put("limitPerKeyPerSecond", plan.loadLimit());
    out.put("admitted", admitted);
    out.put("rejected", rejected);
    out.put("maxAdmittedPerKeyPerSecond", Figures.round((double) busiest / seconds));
    out.put("overLimit", Figures.round((double) busiest / seconds / plan.loadLimit()));
    out.put("classes", classes);
    out.put("topKeysAdmitted", perKey);
    Map<String, Object> first = stages.get(0);
    out.put("decisionLatency", first.get("decisionLatency"));
    out.put("limiterErrors", stages.stream().mapToLong(s -> ((Number) s.getOrDefault("limiterErrors", 0)).longValue())
        .sum());
    List<Object> limiter = new ArrayList<>();
    for (Map<String, Object> st : stages) {
      if (st.get("rules") instanceof List<?> rules && !rules.isEmpty()) {
        limiter.add(asMap(rules.get(0)).get("limiter"));
      }
    }
    out.put("limiterStats", limiter);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void addSeries(Map<String, Object> sum, String key, Object values, int seconds) {
    List<Long> target = (List<Long>) sum.get(key);
    if (values instanceof List<?> list) {
      for (int i = 0; i < Math.min(seconds, list.size()); i++) {
        long v = ((Number) list.get(i)).longValue();
        if (i < target.size()) {
          target.set(i, target.get(i) + v);
        } else {
          target.add(v);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private Map<String, Object> workload(RateLimitPlan plan) {
    Map<String, Object> w = new LinkedHashMap<>();
    Map<String, Object> simulate = new LinkedHashMap<>();
    simulate.put("limit", plan.limit());
    simulate.put("windowMillis", plan.windowMillis());
    simulate.put("patterns", plan.patterns());
    simulate.put("rateMultiple", plan.rateMultiple());
    simulate.put("virtualSeconds", plan.simulateSeconds());
    simulate.put("keys", plan.simulateKeys());
    simulate.put("serviceMillis", RateLimitSimulator.Service.DEFAULT.serviceNanos() / 1e6);
    simulate.put("serviceCapacity", RateLimitSimulator.Service.DEFAULT.capacity());
    simulate.put("seed", plan.seed());
    w.put("simulate", simulate);
    Map<String, Object> micro = new LinkedHashMap<>();
    micro.put("keys", plan.microKeys());
    micro.put("threads", plan.microThreads());
    micro.put("limitPerSecond", io.strategybench.ratelimit.RateLimitBenchmark.LIMIT);
    micro.put("settings", plan.micro());
    w.put("micro", micro);
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("limitPerKeyPerSecond", plan.loadLimit());
    load.put("goodClients", plan.goodClients());
    load.put("goodRatePerClient", plan.goodRate());
    load.put("abusiveClients", plan.abusiveClients());
    load.put("abusiveRatePerClient", plan.abusiveRate());
    load.put("durationSeconds", plan.loadSeconds());
    load.put("warmupSeconds", plan.warmupSeconds());
    load.put("ioThreads", plan.ioThreads());
    load.put("strategies", plan.loadStrategies().isEmpty() ? "all" : plan.loadStrategies());
    load.put("distributed", plan.distributed() ? RateLimitPlan.INSTANCES + " instances per strategy, behind a"
        + " round-robin load balancer; Redis strategies share one Redis, in-memory twins do not" : "no");
    w.put("load", load);
    return w;
  }
}
