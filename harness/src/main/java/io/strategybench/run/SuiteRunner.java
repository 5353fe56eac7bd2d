package io.strategybench.run;

import io.strategybench.family.FamilyModule;
import io.strategybench.family.FamilyModules;
import io.strategybench.family.FamilyRun;
import io.strategybench.report.ReportWriter;
import io.strategybench.results.Environment;
import io.strategybench.results.ResultsWriter;
import io.strategybench.results.RunProcess;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a suite: for each family, each lens, each strategy, and keeps {@code results.json} current after
 * every step, so an interrupted or failing run keeps what finished. A strategy that fails in a lens (a
 * plugin that throws, a target that does not start) is recorded with its error and the suite goes on.
 * Ends with the report.
 */
public final class SuiteRunner implements RunContext {
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
  private final FamilyModules modules;
  private final StrategyRegistry registry;
  private final List<String> pluginArgs;
  private final Path folder;
  private final Options options;
  private final Progress progress;
  private final RunResults results = new RunResults();
  private final long startNanos = System.nanoTime();
  private volatile boolean finished;
  private volatile boolean interrupted;

  /**
   * @param pluginArgs global {@code bench} arguments that make a forked target load the same plugins
   */
  public SuiteRunner(Suite suite, FamilyModules modules, List<String> pluginArgs, Path folder, Options options,
      Progress progress) {
    this.suite = suite;
    this.modules = modules;
    this.registry = modules.registry();
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
    // while the run says running, who to ask whether it still is (a run killed hard cannot record its end)
    results.process = RunProcess.current();
    results.environment = Environment.capture(Path.of(System.getProperty("strategybench.home", ".")));
    io.strategybench.report.Charts.prepare();
    Thread hook = new Thread(this::interrupted, "suite-interrupted");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      List<FamilyRun> runs = new ArrayList<>();
      for (Map.Entry<String, Record> e : suite.plans().entrySet()) {
        FamilyModule module = modules.named(e.getKey());
        if (!chosen(module.family()).isEmpty()) {
          FamilyRun family = module.run(this, e.getValue());
          progress.plan(family.estimateSeconds());
          runs.add(family);
        }
      }
      if (suite.pipeline() != null && wants("load")) {
        FamilyRun pipeline = new PipelineRunner(this, suite.pipeline());
        progress.plan(pipeline.estimateSeconds());
        runs.add(pipeline);
      }
      for (FamilyRun family : runs) {
        family.run();
      }
    } catch (Interrupted e) {
      return 1;
    }
    try {
      boolean failed = results.families.stream().flatMap(f -> f.strategies.stream()).anyMatch(s -> !s.errors.isEmpty())
          || results.families.stream().anyMatch(f -> !f.errors.isEmpty())
          || (results.pipeline != null && results.pipeline.get("errors") instanceof List<?> errors
              && !errors.isEmpty());
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

  @Override
  public RunResults results() {
    return results;
  }

  @Override
  public StrategyRegistry registry() {
    return registry;
  }

  @Override
  public Path folder() {
    return folder;
  }

  @Override
  public List<String> pluginArgs() {
    return pluginArgs;
  }

  @Override
  public Progress progress() {
    return progress;
  }

  @Override
  public int loadSecondsOverride() {
    return options.loadSeconds();
  }

  @Override
  public String profile() {
    return options.profile();
  }

  @Override
  public LoadStep loadStep(String label, Path work) throws IOException, InterruptedException {
    return LoadStep.begin(this, label, work);
  }

  @Override
  public boolean wants(String lens) {
    return options.lenses().isEmpty() || options.lenses().contains(lens);
  }

  @Override
  public <T> List<StrategyDescriptor<T>> chosen(Family<T> family) {
    List<StrategyDescriptor<T>> all = registry.strategies(family);
    if (options.strategies().isEmpty()) {
      return all;
    }
    return all.stream().filter(d -> options.strategies().contains(d.name())).toList();
  }

  @Override
  public void microEach(FamilyResults family, List<String> strategies, double stepSeconds, MicroMeasure measure)
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

  @Override
  public FamilyResults addFamily(Family<?> kind, Map<String, Object> workload,
      List<? extends StrategyDescriptor<?>> chosen) throws IOException {
    FamilyResults family = new FamilyResults();
    family.family = kind.name();
    family.title = kind.title();
    family.workload = workload;
    for (StrategyDescriptor<?> d : chosen) {
      StrategyResults s = new StrategyResults();
      s.strategy = d.name();
      s.source = d.source();
      s.plugin = d.isPlugin();
      s.characteristics = d.characteristics().stream().sorted().toList();
      family.strategies.add(s);
    }
    synchronized (results) {
      results.families.add(family);
    }
    save();
    return family;
  }

  // ---- calibration ------------------------------------------------------------------------------------------

  @Override
  public double loadRate(FamilyResults family, Rate rate, java.util.function.Supplier<Calibration.Setup> setup)
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

  @Override
  public Map<String, String> loadFiles(GatlingRun.Result gatling, Path work) {
    Map<String, String> files = new LinkedHashMap<>();
    if (java.nio.file.Files.exists(gatling.runFolder().resolve("index.html"))) {
      files.put("gatlingReport", folder.relativize(gatling.runFolder().resolve("index.html")).toString());
    }
    files.put("clientHlog", folder.relativize(LoadStep.clientLog(work)).toString());
    files.put("serverHlog", folder.relativize(LoadStep.serverLog(work)).toString());
    files.put("targetLog", folder.relativize(work.resolve("target.log")).toString());
    files.put("gatlingLog", folder.relativize(work.resolve("gatling.log")).toString());
    return files;
  }

  // ---- bookkeeping -------------------------------------------------------------------------------------------

  /** Thrown to unwind the run once it has been interrupted; the shutdown hook has written what finished. */
  private static final class Interrupted extends RuntimeException {
    Interrupted() {
      super("interrupted", null, false, false);
    }
  }

  @Override
  public boolean isInterrupted() {
    return interrupted;
  }

  @Override
  public void stopIfInterrupted() {
    if (interrupted) {
      throw new Interrupted();
    }
  }

  @Override
  public void familyFailed(FamilyResults family, String lens, Exception e) {
    if (interrupted) {
      return;
    }
    String message = lens + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
    synchronized (results) {
      family.errors.add(message);
    }
    progress.note("        " + family.family + " failed in " + message.lines().findFirst().orElse(message));
  }

  @Override
  public void fail(StrategyResults s, String lens, Exception e) {
    if (interrupted) {
      return; // the step was cut short by the interruption, not failed
    }
    String message = lens + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
    synchronized (results) {
      s.errors.add(message);
    }
    progress.note("        " + s.strategy + " failed in " + message.lines().findFirst().orElse(message));
  }

  @Override
  public void save() throws IOException {
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
      results.process = null; // the status says it ended: nothing to ask the process any more
      results.finishedAt = now();
      results.elapsedSeconds = round((System.nanoTime() - startNanos) / 1e9);
      ResultsWriter.write(folder, results);
      ReportWriter.write(folder, results, modules);
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
    return Figures.round(value);
  }

  static String fmt(Object value) {
    return Figures.fmt(value);
  }
}
