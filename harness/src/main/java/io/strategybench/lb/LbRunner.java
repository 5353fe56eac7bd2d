package io.strategybench.lb;

import io.strategybench.backend.SimulatedBackendSpec;
import io.strategybench.family.PlanRun;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.run.Calibration;
import io.strategybench.run.Figures;
import io.strategybench.run.GatlingRun;
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
import java.util.concurrent.TimeUnit;

/**
 * The load-balancing family of a suite: every strategy simulated on the plan's backends (one of them slowing
 * down), JMH of one pick, and a load run through the target against the same simulated backends.
 */
final class LbRunner extends PlanRun<LbPlan> {
  /** The strategy load balancing is calibrated with: the classic default, built in. */
  private static final String CALIBRATION = "round-robin";

  private final LbPlan plan;
  private final List<StrategyDescriptor<LoadBalancer>> chosen;

  LbRunner(RunContext run, LbPlan planned) {
    super(run, planned, LbPlan::withLoadSeconds);
    this.plan = plan();
    this.chosen = run.chosen(LoadBalancer.FAMILY);
  }

  private double perLoad() {
    return plan.warmupSeconds() + plan.loadSeconds() + 6;
  }

  private double perMicro() {
    return plan.microThreads().size() * (1.5 + plan.microBackends().size() * plan.micro().iterationSeconds());
  }

  @Override
  public double estimateSeconds() {
    return chosen.size() * ((run.wants("simulate") ? 0.3 : 0) + (run.wants("micro") ? perMicro() : 0)
        + (run.wants("load") ? perLoad() : 0));
  }

  @Override
  public void run() throws IOException, InterruptedException {
    FamilyResults family = run.addFamily(LoadBalancer.FAMILY, workload(), chosen);
    if (run.wants("simulate")) {
      simulate(family);
    }
    if (run.wants("micro")) {
      run.microEach(family, chosen.stream().map(StrategyDescriptor::name).toList(),
          perMicro() / plan.microThreads().size(),
          (name, json, step) -> MicroLens.run(LoadBalancerBenchmark.class.getName(), List.of(name),
              Map.of("backends", plan.microBackends().stream().map(String::valueOf).toList()), plan.microThreads(),
              plan.micro(), run.registry().plugins(), json, step));
    }
    if (run.wants("load")) {
      load(family);
    }
  }

  private void simulate(FamilyResults family) throws IOException, InterruptedException {
    LbWorkload workload = new LbWorkload(pool(plan.faults(plan.simulateSeconds())), plan.rate(), true,
        TimeUnit.SECONDS.toNanos(plan.simulateSeconds()), plan.clients(), plan.sessions(), HealthPolicy.defaults(),
        plan.seed());
    run.eachStrategy(family, "simulate", "lb simulate", chosen, StrategyDescriptor::name, d -> 0.3, (d, s) -> {
      LbSimulationResult r = LoadBalancerSimulator.run(d, Map.of(), workload);
      synchronized (run.results()) {
        s.simulate = Figures.toMap(r);
      }
    });
  }

  private void load(FamilyResults family) throws IOException, InterruptedException {
    double rate;
    try {
      rate = run.loadRate(family, plan.load(), () -> new Calibration.Setup("lb", CALIBRATION,
          serve(CALIBRATION, null, List.of()), LoadBalancingSimulation.class, properties(), 4000));
    } catch (IOException | RuntimeException e) {
      run.familyFailed(family, "load", e);
      return;
    }
    run.eachStrategy(family, "load", "lb load", chosen, StrategyDescriptor::name, d -> perLoad(), (d, s) -> {
      Map<String, Object> load = load(rate, d.name());
      synchronized (run.results()) {
        s.load = load;
        Object unavailable = load.get("dispatchedWhileUnavailable");
        long value = unavailable instanceof Number n ? n.longValue() : -1;
        s.checks.add(new Check("no request sent to an ejected or down backend (but in panic, when too few are"
            + " up and health is set aside)", "load", value == 0, value, "== 0").margin("none: an invariant of"
            + " the health rules, whatever the machine does"));
      }
      run.progress().note(String.format(Locale.ROOT, "        %s: client p99 %s ms, server p99 %.2f ms, %.0f req/s,"
          + " errors %.2f%%", d.name(), Figures.fmt(Figures.nested(load, "client", "p99Millis")),
          Figures.asDouble(Figures.nested(load, "server", "p99Micros")) / 1000,
          Figures.asDouble(load.get("throughputRps")),
          Figures.asDouble(Figures.nested(load, "client", "errorRate")) * 100));
    });
  }

  /** The target of a load-balancing run: the strategy before the plan's simulated backends, with {@code faults}. */
  private List<String> serve(String strategy, Path work, List<String> faults) {
    List<String> serve = new ArrayList<>(List.of("--family", "lb", "--strategy", strategy,
        "--io-threads", String.valueOf(plan.ioThreads()), "--simulated", String.valueOf(plan.backends()),
        "--sim-weights", Figures.join(plan.weights()), "--sim-capacities", Figures.join(plan.capacities()),
        "--sim-service-time", plan.serviceTime(), "--sim-queue", String.valueOf(plan.queue()),
        "--sim-response-bytes", String.valueOf(plan.responseBytes())));
    if (work != null) {
      serve.addAll(List.of("--hlog", LoadStep.serverLog(work).toString()));
    }
    for (String fault : faults) {
      serve.add("--sim-fault");
      serve.add(fault);
    }
    return serve;
  }

  /** The load's clients, as Gatling's properties. */
  private Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("clients", String.valueOf(plan.clients()));
    properties.put("sessions", String.valueOf(plan.sessions()));
    properties.put("seed", String.valueOf(plan.seed()));
    return properties;
  }

  /** The load balancer's figures of a load run, beside what every load run reports. */
  private static final List<String> FIGURES = List.of("backends", "shareImbalance", "peakInFlightImbalance",
      "stickiness", "clientAffinity", "dispatchedWhileUnavailable", "panicDispatches", "retries", "noBackend",
      "connectFailures", "timeouts", "brokenResponses", "strategyErrors");

  private Map<String, Object> load(double rate, String strategy) throws IOException, InterruptedException {
    Path work = run.folder().resolve("load").resolve("lb").resolve(strategy);
    List<String> serve = serve(strategy, work, plan.faults(plan.loadSeconds()));
    try (LoadStep step = run.loadStep("lb " + strategy, work)) {
      TargetProcess target = step.target("target", serve, work);
      Map<String, String> properties = properties();
      properties.putAll(run.loadProperties(target, rate, plan.loadSeconds(), plan.warmupSeconds()));
      GatlingRun.Result gatling = step.gatling(LoadBalancingSimulation.class, properties, "request");
      Map<String, Object> stats = target.stats();
      Map<String, Object> lb = Figures.asMap(Figures.asMap(stats.get("stages")).get("lb"));
      Map<String, Object> load = step.measured(gatling, stats, List.of(stats), plan.loadSeconds());
      FIGURES.forEach(key -> load.put(key, lb.get(key)));
      load.put("files", run.loadFiles(gatling, work));
      return load;
    }
  }

  private List<SimulatedBackendSpec> pool(List<String> faults) {
    return SimulatedBackendSpec.pool(plan.backends(), plan.weights(), plan.capacities(), plan.serviceTime(),
        plan.queue(), plan.responseBytes(), faults);
  }

  private Map<String, Object> workload() {
    Map<String, Object> w = new LinkedHashMap<>();
    List<Map<String, Object>> backends = new ArrayList<>();
    for (SimulatedBackendSpec b : pool(List.of())) {
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
      w.put("fault", plan.slowBackend() + " slows down " + Figures.fmt(plan.slowFactor()) + "x at "
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
    plan.load().putInto(load);
    load.put("durationSeconds", plan.loadSeconds());
    load.put("warmupSeconds", plan.warmupSeconds());
    load.put("ioThreads", plan.ioThreads());
    load.put("clients", plan.clients());
    load.put("sessions", plan.sessions());
    load.put("profile", run.profile());
    load.put("faults", plan.faults(plan.loadSeconds()));
    w.put("load", load);
    Map<String, Object> micro = new LinkedHashMap<>();
    micro.put("backends", plan.microBackends());
    micro.put("threads", plan.microThreads());
    micro.put("settings", plan.micro());
    w.put("micro", micro);
    return w;
  }
}
