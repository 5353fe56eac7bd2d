package io.strategybench.run;

import io.strategybench.backend.SimulatedBackendSpec;
import io.strategybench.cache.CachePolicy;
import io.strategybench.hashing.ConsistentHash;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.lb.HealthPolicy;
import io.strategybench.lb.LbSimulationResult;
import io.strategybench.lb.LbWorkload;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.lb.LoadBalancerBenchmark;
import io.strategybench.lb.LoadBalancerSimulator;
import io.strategybench.report.ReportWriter;
import io.strategybench.results.Environment;
import io.strategybench.results.ResultsWriter;
import io.strategybench.results.RunResults;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import io.strategybench.server.Json;
import io.strategybench.strategy.Family;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a suite: for each family, each lens, each strategy, and keeps {@code results.json} current after
 * every step, so an interrupted or failing run keeps what finished. A strategy that fails in a lens (a
 * plugin that throws, a target that does not start) is recorded with its error and the suite goes on.
 * Ends with the report.
 */
public final class SuiteRunner {
  /**
   * Choices a user makes on the command line.
   *
   * @param strategies strategies to run (empty: all)
   * @param lenses lenses to run (empty: all)
   * @param loadSeconds overrides each load run's measured seconds, or 0
   * @param profile the load's arrival profile: {@code constant} rate, or {@code ramp} up to it
   * @param recalibrate measure each family's capacity again rather than reuse a fresh calibration of this machine
   */
  public record Options(List<String> strategies, List<String> lenses, int loadSeconds, String profile,
      boolean recalibrate) {
    public Options {
      if (!profile.equals("constant") && !profile.equals("ramp")) {
        throw new IllegalArgumentException("--profile must be constant or ramp, got '" + profile + "'");
      }
    }

    /** Options that reuse a calibration of this machine when one is fresh. */
    public Options(List<String> strategies, List<String> lenses, int loadSeconds, String profile) {
      this(strategies, lenses, loadSeconds, profile, false);
    }
  }

  private final Suite suite;
  final StrategyRegistry registry;
  final List<String> pluginArgs;
  final Path folder;
  final Options options;
  final Progress progress;
  final RunResults results = new RunResults();
  private final long startNanos = System.nanoTime();
  private volatile boolean finished;
  private volatile boolean interrupted;

  /**
   * @param pluginArgs global {@code bench} arguments that make a forked target load the same plugins
   */
  public SuiteRunner(Suite suite, StrategyRegistry registry, List<String> pluginArgs, Path folder, Options options,
      Progress progress) {
    this.suite = suite;
    this.registry = registry;
    this.pluginArgs = pluginArgs;
    this.folder = folder;
    this.options = options;
    this.progress = progress;
  }

  /** Exit status: a step failed (the run is partial), or the run could not go on. */
  public static final int EXIT_STEP_FAILED = 1;
  /** Exit status: a check failed. */
  public static final int EXIT_CHECK_FAILED = 3;
  /**
   * Exit status: no check failed, but the machine rather than the strategies limited some load steps (they are
   * marked inconclusive, with the reason, and the checks resting on them were not judged).
   */
  public static final int EXIT_INCONCLUSIVE = 4;

  /**
   * Runs the suite; returns the exit status: 0 every check passed, {@value #EXIT_STEP_FAILED} a step failed,
   * {@value #EXIT_CHECK_FAILED} a check failed, {@value #EXIT_INCONCLUSIVE} inconclusive.
   */
  public int run() throws IOException, InterruptedException {
    for (String lens : options.lenses()) {
      if (!Suite.LENSES.contains(lens)) {
        throw new IllegalArgumentException("unknown lens '" + lens + "'; valid lens names: " + String.join(", ", Suite.LENSES));
      }
    }
    results.suite = suite.name();
    results.description = suite.description();
    results.startedAt = now();
    results.environment = Environment.capture(Path.of(System.getProperty("strategybench.home", ".")));
    io.strategybench.report.Charts.prepare();
    Thread hook = new Thread(this::interrupted, "suite-interrupted");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      boolean lb = suite.lb() != null && !chosen(LoadBalancer.FAMILY).isEmpty();
      boolean hashing = suite.hashing() != null && !chosen(ConsistentHash.FAMILY).isEmpty();
      boolean ratelimit = suite.ratelimit() != null && !chosen(RateLimiter.FAMILY).isEmpty();
      boolean cache = suite.cache() != null && !chosen(CachePolicy.FAMILY).isEmpty();
      if (lb) {
        progress.plan(lbEstimate(lbPlan(), chosen(LoadBalancer.FAMILY).size()));
      }
      if (hashing) {
        progress.plan(new HashingRunner(this).estimate(chosen(ConsistentHash.FAMILY).size()));
      }
      if (ratelimit) {
        progress.plan(new RateLimitRunner(this).estimate(chosen(RateLimiter.FAMILY)));
      }
      if (cache) {
        progress.plan(new CacheRunner(this).estimate(chosen(CachePolicy.FAMILY)));
      }
      if (lb) {
        runLb();
      }
      if (hashing) {
        new HashingRunner(this).run();
      }
      if (ratelimit) {
        new RateLimitRunner(this).run();
      }
      if (cache) {
        new CacheRunner(this).run();
      }
    } catch (Interrupted e) {
      return 1;
    }
    try {
      boolean failed = results.families.stream().flatMap(f -> f.strategies.stream()).anyMatch(s -> !s.errors.isEmpty())
          || results.families.stream().anyMatch(f -> !f.errors.isEmpty());
      finish(failed ? RunResults.PARTIAL : RunResults.COMPLETE);
    } finally {
      if (finished) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
    }
    if (RunResults.PARTIAL.equals(results.status)) {
      return EXIT_STEP_FAILED;
    }
    return switch (results.verdict) {
      case Check.FAILED -> EXIT_CHECK_FAILED;
      case Check.INCONCLUSIVE -> EXIT_INCONCLUSIVE;
      default -> 0;
    };
  }

  public RunResults results() {
    return results;
  }

  Suite suite() {
    return suite;
  }

  boolean wants(String lens) {
    return options.lenses().isEmpty() || options.lenses().contains(lens);
  }

  /** The family's strategies the user chose: all when none were named, else those of the names in this family. */
  <T> List<StrategyDescriptor<T>> chosen(Family<T> family) {
    List<StrategyDescriptor<T>> all = registry.strategies(family);
    if (options.strategies().isEmpty()) {
      return all;
    }
    return all.stream().filter(d -> options.strategies().contains(d.name())).toList();
  }

  /** JMH of one strategy, its JSON written to {@code json}; {@code step} receives a line per forked run. */
  interface MicroMeasure {
    List<MicroLens.Score> run(String strategy, Path json, java.util.function.Consumer<String> step) throws IOException;
  }

  /**
   * The micro lens of a family, strategy by strategy: each one's scores and JMH JSON
   * ({@code micro/jmh-<family>-<strategy>.json}) into its results, a failure into its errors; saved after
   * each.
   *
   * @param stepSeconds the estimate of one forked run, for the progress line
   */
  void microEach(FamilyResults family, List<String> strategies, double stepSeconds, MicroMeasure measure)
      throws IOException {
    for (int i = 0; i < strategies.size(); i++) {
      String name = strategies.get(i);
      stopIfInterrupted();
      StrategyResults s = family.strategy(name);
      String file = "micro/jmh-" + family.family + "-" + name + ".json";
      String of = " [" + (i + 1) + "/" + strategies.size() + " strategies]";
      try {
        List<MicroLens.Score> scores = measure.run(name, folder.resolve(file),
            line -> progress.step(family.family + " " + line + of, stepSeconds));
        Map<String, Object> micro = new LinkedHashMap<>();
        micro.put("benchmarks", Json.MAPPER.convertValue(scores, List.class));
        micro.put("jmhJson", file);
        synchronized (results) {
          s.micro = micro;
        }
      } catch (IOException | RuntimeException e) {
        fail(s, "micro", e);
      }
      save();
    }
    family.files.put("jmhJson", "micro/");
  }

  /** Adds the family, with a record for each strategy, to the results and saves them. */
  <T> FamilyResults addFamily(Family<T> kind, Map<String, Object> workload, List<StrategyDescriptor<T>> chosen)
      throws IOException {
    FamilyResults family = new FamilyResults();
    family.family = kind.name();
    family.title = kind.title();
    family.workload = workload;
    for (StrategyDescriptor<T> d : chosen) {
      StrategyResults s = new StrategyResults();
      s.strategy = d.name();
      s.source = d.source();
      s.plugin = d.isPlugin();
      family.strategies.add(s);
    }
    synchronized (results) {
      results.families.add(family);
    }
    save();
    return family;
  }

  // ---- calibration ------------------------------------------------------------------------------------------

  /**
   * The family's load rate in requests per second: the plan's, or its share of the capacity a calibration ramp
   * measures on this machine (once per family and run; recorded in the family's results, with the rate used).
   */
  double loadRate(FamilyResults family, Rate rate, java.util.function.Supplier<Calibration.Setup> setup)
      throws IOException, InterruptedException {
    if (!rate.isShare()) {
      return rate.perSecond();
    }
    Map<String, Object> calibration;
    synchronized (results) {
      calibration = family.calibration;
    }
    if (calibration == null) {
      stopIfInterrupted();
      Calibration.Setup chosen = setup.get();
      String key = CalibrationCache.key(chosen);
      CalibrationCache cache = new CalibrationCache(folder.toAbsolutePath().getParent());
      double background = MachineMonitor.background(java.time.Duration.ofSeconds(1));
      calibration = options.recalibrate() ? null : cache.find(key, background);
      if (calibration != null) {
        calibration.put("reused", "measured " + calibration.get("measuredAt") + " on this machine (busy "
            + Math.round(((Number) calibration.get("backgroundBusy")).doubleValue() * 100) + "% with other work then, "
            + Math.round(background * 100) + "% now); bench run --recalibrate measures again");
      } else {
        progress.step(family.family + " calibrate: a ramp finds this machine's capacity for the family's load", 20);
        calibration = Calibration.measure(this, chosen, folder.resolve("load").resolve(family.family
            + "-calibration"));
        calibration.put("measuredAt", java.time.Instant.now().toString());
        calibration.put("backgroundBusy", background);
        cache.store(key, calibration);
      }
      calibration.put("rateAsStated", rate.json());
      calibration.put("rateRps", rate.resolve(((Number) calibration.get("kneeRps")).doubleValue()));
      synchronized (results) {
        family.calibration = calibration;
        if (family.workload.get("load") instanceof Map<?, ?> load) {
          @SuppressWarnings("unchecked")
          Map<String, Object> described = (Map<String, Object>) load;
          described.put("rateRps", calibration.get("rateRps"));
        }
      }
      progress.note(String.format(Locale.ROOT, "        %s: capacity here about %s req/s (%s%s); load runs at %s ="
          + " %s req/s", family.family, calibration.get("kneeRps"), calibration.get("limitedBy"),
          calibration.containsKey("reused") ? "; calibrated " + calibration.get("measuredAt") : "", rate.json(),
          fmt(calibration.get("rateRps"))));
      save();
    }
    return ((Number) calibration.get("rateRps")).doubleValue();
  }

  // ---- load balancing ----------------------------------------------------------------------------------------

  private static double lbPerLoad(LbPlan plan) {
    return plan.warmupSeconds() + plan.loadSeconds() + 6;
  }

  private static double lbPerMicro(LbPlan plan) {
    return plan.microThreads().size() * (1.5 + plan.micro().forks() * plan.microBackends().size()
        * (plan.micro().warmupIterations() * plan.micro().warmupMillis() + plan.micro().iterations()
            * plan.micro().iterationMillis()) / 1000.0);
  }

  /** Seconds the load-balancing family will take here, roughly, for the progress line. */
  private double lbEstimate(LbPlan plan, int strategies) {
    return strategies * ((wants("simulate") ? 0.3 : 0) + (wants("micro") ? lbPerMicro(plan) : 0)
        + (wants("load") ? lbPerLoad(plan) : 0));
  }

  LbPlan lbPlan() {
    return options.loadSeconds() > 0 ? suite.lb().withLoadSeconds(options.loadSeconds()) : suite.lb();
  }

  private void runLb() throws IOException, InterruptedException {
    LbPlan plan = lbPlan();
    List<StrategyDescriptor<LoadBalancer>> chosen = chosen(LoadBalancer.FAMILY);
    FamilyResults family = addFamily(LoadBalancer.FAMILY, lbWorkload(plan), chosen);
    double perLoad = lbPerLoad(plan);
    double perMicro = lbPerMicro(plan);

    if (wants("simulate")) {
      LbWorkload workload = new LbWorkload(pool(plan, plan.faults(plan.simulateSeconds())), plan.rate(), true,
          TimeUnit.SECONDS.toNanos(plan.simulateSeconds()), plan.clients(), plan.sessions(), HealthPolicy.defaults(),
          plan.seed());
      int i = 0;
      for (StrategyDescriptor<LoadBalancer> d : chosen) {
        stopIfInterrupted();
        progress.step(String.format("lb simulate %s (%d/%d)", d.name(), ++i, chosen.size()), 0.3);
        StrategyResults s = family.strategy(d.name());
        try {
          LbSimulationResult r = LoadBalancerSimulator.run(d, Map.of(), workload);
          synchronized (results) {
            s.simulate = toMap(r);
          }
        } catch (RuntimeException e) {
          fail(s, "simulate", e);
        }
        save();
      }
    }

    if (wants("micro")) {
      microEach(family, chosen.stream().map(StrategyDescriptor::name).toList(), perMicro / plan.microThreads().size(),
          (name, json, step) -> MicroLens.run(LoadBalancerBenchmark.class.getName(), List.of(name),
              Map.of("backends", plan.microBackends().stream().map(String::valueOf).toList()), plan.microThreads(),
              plan.micro(), registry.plugins(), json, step));
    }

    if (wants("load")) {
      double rate;
      try {
        rate = loadRate(family, plan.load(), () -> new Calibration.Setup("lb", CALIBRATION_LB,
            lbServe(plan, CALIBRATION_LB, null, List.of()), io.strategybench.lb.LoadBalancingSimulation.class,
            lbProperties(plan), 4000));
      } catch (IOException | RuntimeException e) {
        familyFailed(family, "load", e);
        return;
      }
      int i = 0;
      for (StrategyDescriptor<LoadBalancer> d : chosen) {
        stopIfInterrupted();
        progress.step(String.format("lb load %s (%d/%d)", d.name(), ++i, chosen.size()), perLoad);
        StrategyResults s = family.strategy(d.name());
        try {
          Map<String, Object> load = lbLoad(plan, rate, d.name());
          synchronized (results) {
            s.load = load;
            Object unavailable = load.get("dispatchedWhileUnavailable");
            long value = unavailable instanceof Number n ? n.longValue() : -1;
            s.checks.add(new Check("no request sent to an ejected or down backend (but in panic, when too few are"
                + " up and health is set aside)", "load", value == 0, value, "== 0").margin("none: an invariant of"
                + " the health rules, whatever the machine does"));
          }
          progress.note(String.format(Locale.ROOT, "        %s: client p99 %s ms, server p99 %.2f ms, %.0f req/s, errors %.2f%%",
              d.name(), fmt(nested(load, "client", "p99Millis")), asDouble(nested(load, "server", "p99Micros")) / 1000,
              asDouble(load.get("throughputRps")), asDouble(nested(load, "client", "errorRate")) * 100));
        } catch (IOException | RuntimeException e) {
          fail(s, "load", e);
        }
        save();
      }
    }
  }

  /** The strategy load balancing is calibrated with: the classic default, built in. */
  private static final String CALIBRATION_LB = "round-robin";

  /** The target of a load-balancing run: the strategy before the plan's simulated backends, with {@code faults}. */
  private static List<String> lbServe(LbPlan plan, String strategy, Path work, List<String> faults) {
    List<String> serve = new ArrayList<>(List.of("--family", "lb", "--strategy", strategy,
        "--io-threads", String.valueOf(plan.ioThreads()), "--simulated", String.valueOf(plan.backends()),
        "--sim-weights", join(plan.weights()), "--sim-capacities", join(plan.capacities()),
        "--sim-service-time", plan.serviceTime(), "--sim-queue", String.valueOf(plan.queue()),
        "--sim-response-bytes", String.valueOf(plan.responseBytes())));
    if (work != null) {
      serve.addAll(List.of("--hlog", work.resolve("server.hlog").toString()));
    }
    for (String fault : faults) {
      serve.add("--sim-fault");
      serve.add(fault);
    }
    return serve;
  }

  /** The load's clients, as Gatling's properties. */
  private static Map<String, String> lbProperties(LbPlan plan) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("clients", String.valueOf(plan.clients()));
    properties.put("sessions", String.valueOf(plan.sessions()));
    properties.put("seed", String.valueOf(plan.seed()));
    return properties;
  }

  private Map<String, Object> lbLoad(LbPlan plan, double rate, String strategy)
      throws IOException, InterruptedException {
    Path work = folder.resolve("load").resolve("lb").resolve(strategy);
    List<String> serve = lbServe(plan, strategy, work, plan.faults(plan.loadSeconds()));
    try (LoadStep step = LoadStep.begin(this, "lb " + strategy, work)) {
      TargetProcess target = step.target("target", serve, work);
      Map<String, String> properties = lbProperties(plan);
      properties.put("target.url", target.url());
      properties.put("rate", String.valueOf(rate));
      properties.put("duration", String.valueOf(plan.loadSeconds()));
      properties.put("warmup", String.valueOf(plan.warmupSeconds()));
      properties.put("profile", options.profile());
      GatlingRun.Result gatling = step.gatling(io.strategybench.lb.LoadBalancingSimulation.class, properties,
          "request");
      Map<String, Object> stats = target.stats();
      return lbLoadResult(step, gatling, stats, work, plan.loadSeconds());
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> lbLoadResult(LoadStep step, GatlingRun.Result gatling, Map<String, Object> stats,
      Path work, int seconds) {
    Map<String, Object> lb = (Map<String, Object>) ((Map<String, Object>) stats.get("stages")).get("lb");
    Map<String, Object> load = step.measured(gatling, stats, List.of(stats), seconds);
    for (String key : List.of("backends", "shareImbalance", "peakInFlightImbalance", "stickiness", "clientAffinity",
        "dispatchedWhileUnavailable", "panicDispatches", "retries", "noBackend", "connectFailures", "timeouts",
        "brokenResponses", "strategyErrors")) {
      load.put(key, lb.get(key));
    }
    load.put("files", loadFiles(gatling, work));
    return load;
  }

  /** The raw material of a load run, relative to the run folder. */
  Map<String, String> loadFiles(GatlingRun.Result gatling, Path work) {
    Map<String, String> files = new LinkedHashMap<>();
    if (java.nio.file.Files.exists(gatling.runFolder().resolve("index.html"))) {
      files.put("gatlingReport", folder.relativize(gatling.runFolder().resolve("index.html")).toString());
    }
    files.put("clientHlog", folder.relativize(work.resolve("client.hlog")).toString());
    files.put("serverHlog", folder.relativize(work.resolve("server.hlog")).toString());
    files.put("targetLog", folder.relativize(work.resolve("target.log")).toString());
    files.put("gatlingLog", folder.relativize(work.resolve("gatling.log")).toString());
    return files;
  }

  private static List<SimulatedBackendSpec> pool(LbPlan plan, List<String> faults) {
    return SimulatedBackendSpec.pool(plan.backends(), plan.weights(), plan.capacities(), plan.serviceTime(),
        plan.queue(), plan.responseBytes(), faults);
  }

  private Map<String, Object> lbWorkload(LbPlan plan) {
    Map<String, Object> w = new LinkedHashMap<>();
    List<Map<String, Object>> backends = new ArrayList<>();
    for (SimulatedBackendSpec b : pool(plan, List.of())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", b.name());
      m.put("weight", b.weight());
      m.put("capacity", b.capacity());
      m.put("queueLimit", b.queueLimit());
      m.put("serviceTime", b.serviceTime().toString());
      m.put("responseBytes", b.responseBytes());
      backends.add(m);
    }
    w.put("backends", backends);
    if (plan.slowBackend() != null) {
      w.put("fault", plan.slowBackend() + " slows down " + fmt(plan.slowFactor()) + "x at "
          + Math.round(plan.slowAt() * 100) + "% of each lens's measured time");
    }
    Map<String, Object> simulate = new LinkedHashMap<>();
    simulate.put("rateRps", plan.rate());
    simulate.put("arrivals", "poisson");
    simulate.put("duration", plan.simulateSeconds() + "s");
    simulate.put("seed", plan.seed());
    simulate.put("faults", plan.faults(plan.simulateSeconds()));
    w.put("simulate", simulate);
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("rate", plan.load().json());
    if (!plan.load().isShare()) {
      load.put("rateRps", plan.load().perSecond());
    }
    load.put("durationSeconds", plan.loadSeconds());
    load.put("warmupSeconds", plan.warmupSeconds());
    load.put("ioThreads", plan.ioThreads());
    load.put("clients", plan.clients());
    load.put("sessions", plan.sessions());
    load.put("profile", options.profile());
    load.put("faults", plan.faults(plan.loadSeconds()));
    w.put("load", load);
    Map<String, Object> micro = new LinkedHashMap<>();
    micro.put("backends", plan.microBackends());
    micro.put("threads", plan.microThreads());
    micro.put("settings", plan.micro());
    w.put("micro", micro);
    return w;
  }

  // ---- bookkeeping -------------------------------------------------------------------------------------------

  /** Thrown to unwind the run once it has been interrupted; the shutdown hook has written what finished. */
  private static final class Interrupted extends RuntimeException {
    Interrupted() {
      super("interrupted", null, false, false);
    }
  }

  boolean isInterrupted() {
    return interrupted;
  }

  void stopIfInterrupted() {
    if (interrupted) {
      throw new Interrupted();
    }
  }

  /** Records what failed for a family as a whole in a lens (its calibration, a reference benchmark). */
  void familyFailed(FamilyResults family, String lens, Exception e) {
    if (interrupted) {
      return;
    }
    String message = lens + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
    synchronized (results) {
      family.errors.add(message);
    }
    progress.note("        " + family.family + " failed in " + message.lines().findFirst().orElse(message));
  }

  void fail(StrategyResults s, String lens, Exception e) {
    if (interrupted) {
      return; // the step was cut short by the interruption, not failed
    }
    String message = lens + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
    synchronized (results) {
      s.errors.add(message);
    }
    progress.note("        " + s.strategy + " failed in " + message.lines().findFirst().orElse(message));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> toMap(Object value) {
    return Json.MAPPER.convertValue(value, LinkedHashMap.class);
  }

  void save() throws IOException {
    if (interrupted) {
      return; // the interruption writes the last version
    }
    synchronized (results) {
      Verdicts.apply(results);
      results.elapsedSeconds = round((System.nanoTime() - startNanos) / 1e9);
      ResultsWriter.write(folder, results);
    }
  }

  private void finish(String status) throws IOException {
    synchronized (results) {
      if (finished) {
        return;
      }
      SuiteCheck.applyAll(suite.checks(), results);
      Verdicts.apply(results);
      results.status = status;
      results.finishedAt = now();
      results.elapsedSeconds = round((System.nanoTime() - startNanos) / 1e9);
      ResultsWriter.write(folder, results);
      ReportWriter.write(folder, results);
      finished = true;
    }
  }

  /** On Ctrl-C: keep what finished, mark the run interrupted, write the report. */
  private void interrupted() {
    if (finished) {
      return;
    }
    interrupted = true;
    try {
      finish(RunResults.INTERRUPTED);
      System.err.println("\ninterrupted: kept what finished in " + folder.resolve(ResultsWriter.FILE)
          + " and " + folder.resolve(ReportWriter.FILE));
    } catch (IOException | RuntimeException e) {
      System.err.println("\ninterrupted, and could not write the results: " + e);

    }
  }

  private static String now() {
    return OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }

  static String join(List<Integer> values) {
    return String.join(",", values.stream().map(String::valueOf).toList());
  }

  static String fmt(Object value) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return String.valueOf(n.longValue());
    }
    return String.valueOf(value);
  }

  @SuppressWarnings("unchecked")
  static Object nested(Map<String, Object> map, String outer, String inner) {
    return map.get(outer) instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(inner) : null;
  }

  static double asDouble(Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
