package io.strategybench.idempotency;

import io.strategybench.family.PlanRun;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import io.strategybench.run.Figures;
import io.strategybench.run.GatlingRun;
import io.strategybench.run.InstanceKiller;
import io.strategybench.run.LoadStep;
import io.strategybench.run.MicroLens;
import io.strategybench.run.RunContext;
import io.strategybench.run.TargetProcess;
import io.strategybench.strategy.StrategyDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The idempotency family's part of a suite run: the virtual-clock simulation of retrying clients, crashing
 * instances and expiring locks (at each lock TTL), JMH of one attempt per store beside its server's raw round trip,
 * and a Gatling run of clients sending each key several times at once and again after a timeout through three
 * instances behind a round-robin front, one instance killed and started again mid-run. Checks: the shared stores
 * make no duplicate, the controls do.
 */
final class IdempotencyRunner extends PlanRun<IdempotencyPlan> {
  private static final String FAMILY = IdempotencyStore.FAMILY.name();

  IdempotencyRunner(RunContext run, IdempotencyPlan planned) {
    super(run, planned, IdempotencyPlan::withLoadSeconds);
  }

  @Override
  public double estimateSeconds() {
    IdempotencyPlan plan = plan();
    int n = run.chosen(IdempotencyStore.FAMILY).size();
    double micro = plan.micro().iterationSeconds() + 3;
    int loaded = plan.loadStrategies().isEmpty() ? n : (int) run.chosen(IdempotencyStore.FAMILY).stream()
        .filter(d -> plan.loadStrategies().contains(d.name())).count();
    return (run.wants("simulate") ? n * (plan.lockTtlMillis().size() + 1) * 0.5 : 0)
        + (run.wants("micro") ? n * 2 * micro : 0)
        + (run.wants("load") ? loaded * loadSeconds(plan) : 0);
  }

  private static double loadSeconds(IdempotencyPlan plan) {
    return plan.warmupSeconds() + plan.loadSeconds() + plan.retryAfterMillis() / 1000.0 + 12;
  }

  @Override
  public void run() throws IOException, InterruptedException {
    IdempotencyPlan plan = plan();
    List<StrategyDescriptor<IdempotencyStore>> chosen = new ArrayList<>(run.chosen(IdempotencyStore.FAMILY));
    Map<String, Object> workload = workload(plan);
    boolean needed = run.wants("micro") || run.wants("load");
    try (Servers servers = Servers.open(chosen, needed, run.wants("load"), workload, run.progress()::note)) {
      FamilyResults family = run.addFamily(IdempotencyStore.FAMILY, workload, chosen);
      if (run.wants("simulate")) {
        simulate(plan, chosen, family);
      }
      if (run.wants("micro")) {
        micro(plan, chosen, family, servers);
      }
      if (run.wants("load") && !servers.hasLedger()) {
        run.progress().note("        idempotency: no load runs: they count orders in a Redis ledger, and no"
            + " redis-server could start (Debian: apt-get install redis-server)");
      } else if (run.wants("load")) {
        List<StrategyDescriptor<IdempotencyStore>> loaded = chosen.stream()
            .filter(d -> plan.loadStrategies().isEmpty() || plan.loadStrategies().contains(d.name())).toList();
        run.eachStrategy(family, "load", FAMILY + " load on " + IdempotencyPlan.INSTANCES + " instances:", loaded,
            StrategyDescriptor::name, d -> loadSeconds(plan), (d, s) -> {
              Map<String, Object> load = load(plan, d, servers);
              synchronized (run.results()) {
                s.load = load;
                s.checks.addAll(loadChecks(d, load));
              }
              run.progress().note(String.format(Locale.ROOT, "        %s: %s effects for %s keys, %s duplicates,"
                  + " %s replays, %s 409s, client p99 %s ms", d.name(), figure(load, "effects"), figure(load, "keys"),
                  figure(load, "duplicates"), figure(load, "replays"), figure(load, "conflicts409"),
                  Figures.fmt(Figures.nested(load, "client", "p99Millis"))));
            });
      }
    }
  }

  private static String figure(Map<String, Object> load, String key) {
    return Figures.fmt(Figures.nested(load, FAMILY, key));
  }

  private static Map<String, Object> workload(IdempotencyPlan plan) {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("simulate", Map.of("keys", plan.keys(), "instances", plan.instances(), "processingMillis",
        plan.processingMillis(), "clientTimeoutMillis", plan.clientTimeoutMillis(), "maxAttempts", plan.maxAttempts(),
        "lockTtlMillis", plan.lockTtlMillis(), "crashAfterEffect", plan.crashAfterEffect(), "crashHoldingLock",
        plan.crashHoldingLock(), "restartMillis", plan.restartMillis(), "seed", plan.seed()));
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("instances", IdempotencyPlan.INSTANCES);
    load.put("rateRps", plan.rate());
    load.put("copies", plan.copies());
    load.put("retryAfterMillis", plan.retryAfterMillis());
    load.put("processingMillis", plan.loadProcessingMillis());
    load.put("killAt", plan.killAt());
    load.put("restartSeconds", plan.restartSeconds());
    load.put("seconds", plan.loadSeconds());
    w.put("load", load);
    return w;
  }

  /**
   * Per store, one simulation per lock TTL of the plan without crashes, then one at the last TTL with crashes; the
   * checks read what its characteristics promise: a shared store makes no duplicate without crashes at a lock TTL
   * it can survive (fenced, transactional and recovery-point stores at any), a plain lock store does at a TTL
   * shorter than the processing time (the positive control), a transactional or recovery-point store makes none
   * with crashes either, and the controls make duplicates when clients time out before the processing ends.
   */
  private void simulate(IdempotencyPlan plan, List<StrategyDescriptor<IdempotencyStore>> chosen,
      FamilyResults family) throws IOException, InterruptedException {
    run.eachStrategy(family, "simulate", FAMILY + " simulate", chosen, StrategyDescriptor::name,
        d -> (plan.lockTtlMillis().size() + 1) * 0.5, (d, s) -> {
          java.util.Set<String> characteristics = java.util.Set.copyOf(d.characteristics());
          List<Map<String, Object>> runs = new ArrayList<>();
          List<Check> checks = new ArrayList<>();
          for (double ttl : plan.lockTtlMillis()) {
            IdempotencySimulator.Workload w = workload(plan, ttl, false);
            IdempotencySimulator.Result r = IdempotencySimulator.run(d.name(), characteristics, w);
            runs.add(simulated(r, w, false));
            checks.addAll(simulateChecks(d, plan, ttl, false, r));
          }
          double last = plan.lockTtlMillis().get(plan.lockTtlMillis().size() - 1);
          if (plan.crashAfterEffect() > 0 || plan.crashHoldingLock() > 0) {
            IdempotencySimulator.Workload w = workload(plan, last, true);
            IdempotencySimulator.Result r = IdempotencySimulator.run(d.name(), characteristics, w);
            runs.add(simulated(r, w, true));
            checks.addAll(simulateChecks(d, plan, last, true, r));
          }
          synchronized (run.results()) {
            s.simulate = Map.of("runs", runs);
            s.checks.addAll(checks);
          }
        });
  }

  private static IdempotencySimulator.Workload workload(IdempotencyPlan plan, double lockTtl, boolean crashes) {
    IdempotencySimulator.Workload d = IdempotencySimulator.Workload.DEFAULT;
    // with crashes, clients wait at least twice the processing time: a client then misses its answer only when its
    // instance died, and what the run shows is what the crash left, not timeouts
    double clientTimeout = crashes ? Math.max(plan.clientTimeoutMillis(), 2 * plan.processingMillis())
        : plan.clientTimeoutMillis();
    return new IdempotencySimulator.Workload(plan.keys(), plan.instances(), d.spreadMillis(), plan.processingMillis(),
        false, clientTimeout, plan.maxAttempts(), d.baseMillis(), d.capMillis(),
        crashes ? plan.crashAfterEffect() : 0, crashes ? plan.crashHoldingLock() : 0, plan.restartMillis(), lockTtl,
        plan.seed());
  }

  private static Map<String, Object> simulated(IdempotencySimulator.Result r, IdempotencySimulator.Workload w,
      boolean crashes) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lockTtlMillis", w.lockTtlMillis());
    m.put("withCrashes", crashes); // the Result's "crashes" counts the instances that died
    m.put("clientTimeoutMillis", w.clientTimeoutMillis());
    m.putAll(Figures.toMap(r));
    return m;
  }

  private static List<Check> simulateChecks(StrategyDescriptor<IdempotencyStore> d, IdempotencyPlan plan, double ttl,
      boolean crashes, IdempotencySimulator.Result r) {
    String when = (crashes ? "with crashes, " : "") + "lock TTL " + Figures.fmt(ttl) + " ms, processing "
        + Figures.fmt(plan.processingMillis()) + " ms: ";
    boolean survivesShortTtl = d.has(IdempotencyStore.FENCED) || d.has(IdempotencyStore.TRANSACTIONAL)
        || d.has(IdempotencyStore.RECOVERY_POINTS) || !d.has(IdempotencyStore.LOCK_TTL);
    boolean crashSafe = d.has(IdempotencyStore.TRANSACTIONAL) || d.has(IdempotencyStore.RECOVERY_POINTS);
    List<Check> checks = new ArrayList<>();
    if (d.has(IdempotencyStore.SHARED) && !crashes && (survivesShortTtl || ttl > plan.processingMillis())) {
      checks.add(new Check(when + "one order per key", "simulate", r.duplicates() == 0, r.duplicates(), "== 0"));
    } else if (d.has(IdempotencyStore.SHARED) && !crashes) {
      checks.add(new Check(when + "a lock that expires mid-work lets a retry make a second order (the positive"
          + " control of fencing)", "simulate", r.duplicates() > 0, r.duplicates(), "> 0"));
    } else if (crashSafe) {
      checks.add(new Check(when + "an instance dying after the effect leaves no second order", "simulate",
          r.duplicates() == 0, r.duplicates(), "== 0"));
    } else if (!d.has(IdempotencyStore.SHARED) && !crashes && plan.instances() > 1
        && plan.clientTimeoutMillis() < plan.processingMillis()) {
      checks.add(new Check(when + "the control: retries that land on another instance make more orders",
          "simulate", r.duplicates() > 0, r.duplicates(), "> 0"));
    }
    return checks;
  }

  private void micro(IdempotencyPlan plan, List<StrategyDescriptor<IdempotencyStore>> chosen, FamilyResults family,
      Servers servers) throws IOException, InterruptedException {
    MicroLens.Settings m = plan.micro();
    double step = 2 * m.iterationSeconds() + 4;
    Map<String, String> urls = new LinkedHashMap<>();
    chosen.forEach(d -> urls.put(d.name(), servers.urlFor(d)));
    run.microEach(family, List.copyOf(urls.keySet()), step, (strategy, json, progress) -> MicroLens.run(
        IdempotencyBenchmark.class.getName(), List.of(strategy), Map.of("url", List.of(urls.get(strategy))),
        List.of(1), m, run.registry().plugins(), json, progress));
  }

  /**
   * Three instances of {@code store} sharing its server (and the Redis ledger that counts every order) behind a
   * round-robin front; Gatling drives the front; one instance is killed {@code killAt} into the measured phase and
   * started again on its port {@code restartSeconds} later.
   */
  private Map<String, Object> load(IdempotencyPlan plan, StrategyDescriptor<IdempotencyStore> store, Servers servers)
      throws IOException, InterruptedException {
    Path work = run.folder().resolve("load").resolve(FAMILY).resolve(store.name());
    String label = FAMILY + " " + store.name() + " on " + IdempotencyPlan.INSTANCES + " instances";
    try (LoadStep step = run.loadStep(label, work)) {
      step.tolerate(250, "three instances, a front, Gatling and the stores' servers share the machine by design: the"
          + " run counts effects per key, which delays of a quarter second do not change");
      List<TargetProcess> instances = new ArrayList<>();
      List<List<String>> serveArgs = new ArrayList<>();
      for (int i = 1; i <= IdempotencyPlan.INSTANCES; i++) {
        Path dir = work.resolve("instance-" + i);
        List<String> serve = new ArrayList<>(List.of("--stage", FAMILY + ":" + store.name(), "--ledger",
            servers.ledgerUri(), "--processing-time", plan.loadProcessingMillis() + "ms", "--io-threads",
            String.valueOf(plan.ioThreads()), "--hlog", LoadStep.serverLog(dir).toString()));
        serve.addAll(servers.storeParams(store));
        serveArgs.add(serve);
        instances.add(step.target("instance " + i, serve, dir));
      }
      List<String> front = new ArrayList<>(List.of("--family", "lb", "--strategy", "round-robin", "--io-threads",
          String.valueOf(plan.ioThreads()), "--max-fails", "1", "--eject-time", "2s", "--probe-interval", "500ms",
          "--probe-path", "/_/health",
          "--hlog", LoadStep.serverLog(work).toString()));
      for (TargetProcess t : instances) {
        front.addAll(List.of("--backend", "127.0.0.1:" + t.port()));
      }
      TargetProcess balancer = step.target("front", front, work.resolve("front"));
      servers.resetLedger();
      servers.resetStore(store);
      Map<String, String> properties = run.loadProperties(balancer, plan.rate(), plan.loadSeconds(),
          plan.warmupSeconds());
      properties.put("copies", String.valueOf(plan.copies()));
      properties.put("retry.after", String.valueOf(plan.retryAfterMillis()));
      properties.put("reset.urls", String.join(",", instances.stream().map(TargetProcess::url).toList()));
      InstanceKiller killer = plan.killAt() > 0 ? InstanceKiller.start(step, instances, 1, serveArgs.get(1),
          work.resolve("instance-2"), plan.killAt() * plan.loadSeconds(), plan.restartSeconds()) : null;
      GatlingRun.Result gatling;
      try {
        gatling = step.gatling(io.strategybench.idempotency.IdempotencySimulation.class, properties, "request");
      } finally {
        if (killer != null) {
          killer.finish();
        }
      }
      List<Map<String, Object>> all = new ArrayList<>();
      List<Map<String, Object>> stages = new ArrayList<>();
      for (TargetProcess t : instances) {
        Map<String, Object> stats = t.stats();
        all.add(stats);
        stages.add(Figures.asMap(Figures.nested(stats, "stages", FAMILY)));
      }
      Map<String, Object> frontStats = balancer.stats();
      all.add(frontStats);
      Map<String, Object> out = new LinkedHashMap<>(step.measured(gatling, frontStats, all, plan.loadSeconds()));
      Map<String, Object> figures = figures(stages, all, plan);
      if (killer != null) {
        figures.put("kill", killer.report());
      }
      out.put(FAMILY, figures);
      out.put("files", run.loadFiles(gatling, work));
      return out;
    }
  }

  /** Summed over the instances; the ledger's counts (shared by all) from the last instance that answered. */
  private static Map<String, Object> figures(List<Map<String, Object>> stages, List<Map<String, Object>> all,
      IdempotencyPlan plan) {
    Map<String, Object> f = new LinkedHashMap<>();
    Map<String, Object> ledger = stages.get(stages.size() - 1);
    f.put("effects", ledger.get("effects"));
    f.put("keys", ledger.get("keysWithEffects"));
    f.put("duplicates", ledger.get("duplicates"));
    f.put("fencedOut", ledger.get("fencedOut"));
    for (String counter : List.of("attempts", "processed", "replays", "conflicts409", "mismatches422", "fenced",
        "failures503", "badRequests400")) {
      long sum = 0;
      for (Map<String, Object> s : stages) {
        sum += (long) Figures.asDouble(s.getOrDefault(counter, 0));
      }
      f.put(counter, sum);
    }
    List<Object> perInstance = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      Map<String, Object> timing = stageTiming(all.get(i));
      perInstance.add(Map.of("processed", stages.get(i).getOrDefault("processed", 0), "replays",
          stages.get(i).getOrDefault("replays", 0), "answerLatency", timing.getOrDefault("answerLatency", Map.of())));
    }
    f.put("perInstance", perInstance);
    f.put("processingMillis", plan.loadProcessingMillis());
    return f;
  }

  private static Map<String, Object> stageTiming(Map<String, Object> stats) {
    Object pipeline = stats.get("pipeline");
    if (pipeline instanceof List<?> list) {
      for (Object o : list) {
        Map<String, Object> m = Figures.asMap(o);
        if (FAMILY.equals(m.get("stage"))) {
          return m;
        }
      }
    }
    return Map.of();
  }

  /** The shared stores keep one effect per key through the kill; the controls show duplicates. */
  private static List<Check> loadChecks(StrategyDescriptor<IdempotencyStore> store, Map<String, Object> load) {
    List<Check> checks = new ArrayList<>();
    double duplicates = Figures.asDouble(Figures.nested(load, FAMILY, "duplicates"));
    double effects = Figures.asDouble(Figures.nested(load, FAMILY, "effects"));
    if (effects <= 0) {
      return checks;
    }
    if (store.has(IdempotencyStore.SHARED)) {
      checks.add(new Check("three instances sharing the store, one killed mid-run: no key has more than one effect",
          "load", duplicates == 0, duplicates, "== 0"));
    } else {
      checks.add(new Check("the control: a key sent at once to three instances runs more than once", "load",
          duplicates > 0, duplicates, "> 0"));
    }
    return checks;
  }
}
