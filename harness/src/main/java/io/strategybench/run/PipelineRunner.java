package io.strategybench.run;

import io.strategybench.family.FamilyRun;
import io.strategybench.gateway.GatewaySimulation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's {@code pipeline}: stages of several families in one target ({@code bench serve --stage ...}), loaded
 * by API clients ({@link GatewaySimulation}), whole and then without each stage but the last, so each stage's
 * effect on what reaches the stages behind it shows beside the server-side time it holds a request
 * ({@code /_/stats} {@code pipeline}) and its own counters. Names no family: the stages are the plan's.
 */
final class PipelineRunner implements FamilyRun {
  private final RunContext run;
  private final PipelinePlan plan;

  PipelineRunner(RunContext run, PipelinePlan plan) {
    this.run = run;
    this.plan = plan;
  }

  private int seconds() {
    return run.loadSecondsOverride() > 0 ? run.loadSecondsOverride() : plan.seconds();
  }

  @Override
  public double estimateSeconds() {
    return plan.variants().size() * (seconds() + plan.warmupSeconds() + 8.0);
  }

  /** A variant's name: {@code all}, or {@code without-FAMILY}. */
  static String name(List<String> stages, List<String> variant) {
    if (variant.equals(stages)) {
      return "all";
    }
    for (String stage : stages) {
      if (!variant.contains(stage)) {
        return "without-" + PipelinePlan.family(stage);
      }
    }
    return "all";
  }

  @Override
  public void run() throws IOException, InterruptedException {
    Map<String, Object> pipeline = new LinkedHashMap<>();
    pipeline.put("stages", plan.stages());
    pipeline.put("workload", workload());
    List<Object> variants = new ArrayList<>();
    pipeline.put("variants", variants);
    List<String> errors = new ArrayList<>();
    pipeline.put("errors", errors);
    synchronized (run.results()) {
      run.results().pipeline = pipeline;
    }
    run.save();
    List<List<String>> all = plan.variants();
    for (int i = 0; i < all.size(); i++) {
      run.stopIfInterrupted();
      List<String> variant = all.get(i);
      String name = name(plan.stages(), variant);
      run.progress().step(String.format(Locale.ROOT, "pipeline load %s: %s (%d/%d)", name,
          String.join(" → ", variant), i + 1, all.size()), seconds() + plan.warmupSeconds() + 8.0);
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("name", name);
      v.put("stages", variant);
      try {
        v.put("load", load(name, variant));
        run.progress().note(String.format(Locale.ROOT, "        %s: %s req/s, client p99 %s ms, %s",
            name, Figures.fmt(Figures.nested(v, "load", "throughputRps")),
            Figures.fmt(Figures.nested(v, "load", "client", "p99Millis")), held(v)));
      } catch (IOException | RuntimeException e) {
        errors.add(name + ": " + e.getMessage());
        v.put("error", String.valueOf(e.getMessage()));
        run.progress().note("        " + name + " failed: " + e.getMessage());
      }
      synchronized (run.results()) {
        variants.add(v);
      }
      run.save();
    }
  }

  private Map<String, Object> workload() {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("rateRps", plan.rate().perSecond());
    w.put("seconds", seconds());
    w.put("warmupSeconds", plan.warmupSeconds());
    w.put("keys", plan.keys());
    w.put("zipf", plan.zipf());
    w.put("apiKeys", plan.apiKeys());
    w.put("apiKeySkew", plan.apiKeySkew());
    w.put("keyFrom", plan.keyFrom());
    w.put("serve", plan.serve());
    return w;
  }

  /** A stage's p50 hold, or a dash when it passed on (or answered) nothing. */
  private static String heldP50(Map<String, Object> stage, String count, String latency) {
    Object n = stage.get(count);
    return n instanceof Number c && c.longValue() == 0 ? "—" : Figures.fmt(Figures.nested(stage, latency, "p50Micros"));
  }

  /** Each stage's p50 hold, for the progress line. */
  @SuppressWarnings("unchecked")
  private static String held(Map<String, Object> variant) {
    List<String> parts = new ArrayList<>();
    Object stages = Figures.nested(variant, "load", "stages");
    if (stages instanceof List<?> list) {
      for (Object o : list) {
        Map<String, Object> stage = (Map<String, Object>) o;
        parts.add(stage.get("stage") + " held p50 " + heldP50(stage, "passed", "passLatency") + "/"
            + heldP50(stage, "answered", "answerLatency") + " µs (passed/answered)");
      }
    }
    return String.join(", ", parts);
  }

  /** The target's arguments for {@code variant}: its stages, and the plan's options of their families. */
  List<String> serve(List<String> variant, Path work) {
    List<String> serve = new ArrayList<>();
    for (String stage : variant) {
      serve.addAll(List.of("--stage", stage));
    }
    serve.addAll(List.of("--io-threads", String.valueOf(plan.ioThreads()), "--hlog",
        LoadStep.serverLog(work).toString()));
    serve.addAll(plan.serve().getOrDefault(PipelinePlan.SERVER, List.of()));
    for (String stage : variant) {
      serve.addAll(plan.serve().getOrDefault(PipelinePlan.family(stage), List.of()));
    }
    return serve;
  }

  private Map<String, Object> load(String name, List<String> variant) throws IOException, InterruptedException {
    Path work = run.folder().resolve("load").resolve("pipeline").resolve(name);
    try (LoadStep step = run.loadStep("pipeline " + name, work)) {
      TargetProcess target = step.target("target", serve(variant, work), work);
      Map<String, String> properties = run.loadProperties(target, plan.rate().perSecond(), seconds(),
          plan.warmupSeconds());
      properties.put("keys", String.valueOf(plan.keys()));
      properties.put("zipf", String.valueOf(plan.zipf()));
      properties.put("api.keys", String.valueOf(plan.apiKeys()));
      properties.put("api.key.skew", String.valueOf(plan.apiKeySkew()));
      properties.put("key.from", plan.keyFrom());
      GatlingRun.Result gatling = step.gatling(GatewaySimulation.class, properties, "request");
      Map<String, Object> stats = target.stats();
      Map<String, Object> load = step.measured(gatling, stats, List.of(stats), seconds());
      load.put("stages", stages(stats));
      load.put("files", run.loadFiles(gatling, work));
      return load;
    }
  }

  /**
   * Each stage in order: what the server timed of it ({@code entered}, {@code passed}, {@code answered}, and the
   * microseconds it held requests), and its own counters: the whole numbers of its stats ({@code hits},
   * {@code rejected}, {@code dispatched}, ...).
   */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> stages(Map<String, Object> stats) {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Object> own = stats.get("stages") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    if (stats.get("pipeline") instanceof List<?> timings) {
      for (Object t : timings) {
        Map<String, Object> stage = new LinkedHashMap<>((Map<String, Object>) t);
        Map<String, Object> counters = new LinkedHashMap<>();
        if (own.get(String.valueOf(stage.get("stage"))) instanceof Map<?, ?> figures) {
          figures.forEach((k, v) -> {
            if (v instanceof Number || v instanceof String) {
              counters.put(String.valueOf(k), v);
            }
          });
        }
        stage.put("counters", counters);
        out.add(stage);
      }
    }
    return out;
  }
}
