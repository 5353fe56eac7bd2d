package com.example.strategybench.retry;

import io.strategybench.family.PlanRun;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import io.strategybench.run.Figures;
import io.strategybench.run.GatlingRun;
import io.strategybench.run.LoadStep;
import io.strategybench.run.MicroLens;
import io.strategybench.run.RunContext;
import io.strategybench.run.TargetProcess;
import io.strategybench.server.Json;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The retry family's part of a suite run: the simulation of clients retrying against an overloaded server at each
 * client count, JMH of one decision, and a Gatling run through a target whose retry stage calls an upstream that
 * sheds load. Checks: every client is answered or gives up; without retries each client calls once; and, as the
 * article found, full jitter costs the server fewer calls than exponential backoff without jitter.
 */
final class RetryRunner extends PlanRun<RetryPlan> {
  RetryRunner(RunContext run, RetryPlan planned) {
    super(run, planned, RetryPlan::withLoadSeconds);
  }

  @Override
  public double estimateSeconds() {
    RetryPlan plan = plan();
    int n = run.chosen(RetryPolicy.FAMILY).size();
    MicroLens.Settings m = plan.micro();
    double micro = (m.warmupIterations() * m.warmupMillis() + m.iterations() * m.iterationMillis()) / 1000.0
        * m.forks() + 2;
    return (run.wants("simulate") ? n * 0.5 : 0) + (run.wants("micro") ? n * micro : 0)
        + (run.wants("load") ? n * (plan.loadSeconds() + plan.warmupSeconds() + 8) : 0);
  }

  @Override
  public void run() throws IOException, InterruptedException {
    RetryPlan plan = plan();
    List<StrategyDescriptor<RetryPolicy>> chosen = run.chosen(RetryPolicy.FAMILY);
    Map<String, Object> workload = new LinkedHashMap<>();
    workload.put("clients", plan.clients());
    workload.put("capacity", plan.capacity());
    workload.put("serviceMillis", plan.serviceMillis());
    workload.put("spreadMillis", plan.spreadMillis());
    workload.put("load", Map.of("rateRps", plan.rate(), "seconds", plan.loadSeconds(), "upstreamCapacity",
        plan.upstreamCapacity(), "upstreamQueue", plan.upstreamQueue(), "upstreamTime", plan.upstreamTime()));
    FamilyResults family = run.addFamily(RetryPolicy.FAMILY, workload, chosen);
    if (run.wants("simulate")) {
      simulate(plan, chosen, family);
    }
    if (run.wants("micro")) {
      MicroLens.Settings m = plan.micro();
      double step = (m.warmupIterations() * m.warmupMillis() + m.iterations() * m.iterationMillis()) / 1000.0 + 2;
      run.microEach(family, chosen.stream().map(StrategyDescriptor::name).toList(), step,
          (strategy, json, progress) -> MicroLens.run(RetryBenchmark.class.getName(), List.of(strategy), Map.of(),
              List.of(1), m, run.registry().plugins(), json, progress));
    }
    if (run.wants("load")) {
      int i = 0;
      for (StrategyDescriptor<RetryPolicy> d : chosen) {
        run.stopIfInterrupted();
        run.progress().step(String.format(Locale.ROOT, "retry load %s (%d/%d)", d.name(), ++i, chosen.size()),
            plan.loadSeconds() + plan.warmupSeconds() + 8);
        StrategyResults s = family.strategy(d.name());
        try {
          Map<String, Object> load = load(plan, d.name());
          synchronized (run.results()) {
            s.load = load;
          }
          run.progress().note(String.format(Locale.ROOT, "        %s: %s upstream calls per request, %s gave up,"
              + " client p99 %s ms", d.name(), Figures.fmt(Figures.nested(load, "retry", "callsPerRequest")),
              Figures.fmt(Figures.nested(load, "retry", "gaveUp")), Figures.fmt(Figures.nested(load, "client",
                  "p99Millis"))));
        } catch (IOException | RuntimeException e) {
          run.fail(s, "load", e);
        }
        run.save();
      }
    }
  }

  private void simulate(RetryPlan plan, List<StrategyDescriptor<RetryPolicy>> chosen, FamilyResults family)
      throws IOException {
    Map<String, List<RetrySimulator.Result>> all = new LinkedHashMap<>();
    int i = 0;
    for (StrategyDescriptor<RetryPolicy> d : chosen) {
      run.stopIfInterrupted();
      run.progress().step(String.format(Locale.ROOT, "retry simulate %s (%d/%d)", d.name(), ++i, chosen.size()),
          0.5);
      StrategyResults s = family.strategy(d.name());
      try {
        List<RetrySimulator.Result> results = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        for (int clients : plan.clients()) {
          RetryPolicy policy = d.create(Map.of(), StrategyContext.system());
          RetrySimulator.Result r = RetrySimulator.run(policy, clients, plan.capacity(), plan.serviceMillis(),
              plan.spreadMillis(), plan.seed());
          results.add(r);
          checks.add(new Check(clients + " clients: each got an answer or gave up", "simulate",
              r.succeeded() + r.gaveUp() == clients, r.succeeded() + r.gaveUp(), "== " + clients));
        }
        all.put(d.name(), results);
        synchronized (run.results()) {
          s.simulate = Map.of("runs", Json.MAPPER.convertValue(results, List.class));
          s.checks.addAll(checks);
        }
      } catch (RuntimeException e) {
        run.fail(s, "simulate", e);
      }
    }
    synchronized (run.results()) {
      if (all.containsKey("none")) {
        List<RetrySimulator.Result> none = all.get("none");
        StrategyResults s = family.strategy("none");
        for (RetrySimulator.Result r : none) {
          s.checks.add(new Check(r.clients() + " clients: without retries each client calls once", "simulate",
              r.calls() == r.clients(), r.calls(), "== " + r.clients()));
        }
      }
      if (all.containsKey("full-jitter") && all.containsKey("exponential")) {
        List<RetrySimulator.Result> jitter = all.get("full-jitter");
        List<RetrySimulator.Result> exponential = all.get("exponential");
        int last = jitter.size() - 1;
        family.strategy("full-jitter").checks.add(new Check(jitter.get(last).clients() + " clients: full jitter costs"
            + " the server fewer calls than exponential backoff without jitter (the article's finding)", "simulate",
            jitter.get(last).calls() < exponential.get(last).calls(), jitter.get(last).calls(),
            "< " + exponential.get(last).calls()));
      }
    }
    run.save();
  }

  private Map<String, Object> load(RetryPlan plan, String strategy) throws IOException, InterruptedException {
    Path work = run.folder().resolve("load").resolve("retry").resolve(strategy);
    List<String> serve = List.of("--stage", "retry:" + strategy, "--retry-upstream-capacity",
        String.valueOf(plan.upstreamCapacity()), "--retry-upstream-queue", String.valueOf(plan.upstreamQueue()),
        "--retry-upstream-time", plan.upstreamTime(), "--hlog", work.resolve("server.hlog").toString());
    try (LoadStep step = run.loadStep("retry " + strategy, work)) {
      TargetProcess target = step.target("target", serve, work);
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("target.url", target.url());
      properties.put("rate", String.valueOf(plan.rate()));
      properties.put("duration", String.valueOf(plan.loadSeconds()));
      properties.put("warmup", String.valueOf(plan.warmupSeconds()));
      properties.put("profile", run.profile());
      GatlingRun.Result gatling = step.gatling(RetrySimulation.class, properties, "request");
      Map<String, Object> stats = target.stats();
      Map<String, Object> load = step.measured(gatling, stats, List.of(stats), plan.loadSeconds());
      load.put("retry", Figures.nested(stats, "stages", "retry"));
      load.put("files", run.loadFiles(gatling, work));
      return load;
    }
  }
}
