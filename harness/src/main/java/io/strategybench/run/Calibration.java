package io.strategybench.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The capacity of this machine for a family's load: the knee of a short ramp (the idea of Nighthawk's adaptive
 * load controller and Hyperfoil's ramp-to-SLA). The family's target runs as its load steps run it, with the
 * family's reference strategy; after a warm-up at the ramp's first rate, Gatling raises the arrival rate evenly to
 * a ceiling, and each second is judged by what the service did: a second is over the knee when its 99th percentile
 * is more than {@value #KNEE_FACTOR} times the first seconds' (and at least {@value #KNEE_MARGIN_MILLIS} ms above
 * it), when more than 1% of its requests failed, when fewer than 90% of the requests due were answered, or when the
 * load generator itself fell behind (lag over {@value Diagnosis#LAG_P99_MILLIS} ms). The knee is the offered rate
 * of the last second before two seconds in a row over it; the ramp stops there. The machine's busy share is recorded
 * beside each second but does not decide: while both JVMs compile their hot paths in the first seconds it reads
 * near 100% at rates the machine then serves easily. A suite's share of capacity ({@code rate: 40%}) is taken of
 * the knee.
 */
public final class Calibration {
  static final double KNEE_FACTOR = 3;
  static final int KNEE_MARGIN_MILLIS = 20;
  private static final int RAMP_SECONDS = 12;
  private static final int WARMUP_SECONDS = 2;

  /**
   * How to load a family for its calibration.
   *
   * @param family the family's name
   * @param strategy the strategy the target runs
   * @param serve the target's {@code serve} arguments (its {@code --hlog} is added)
   * @param simulation the family's Gatling simulation
   * @param properties its properties, less rate, profile, duration and warm-up
   * @param ceilingRps the ramp's last rate: above anything the family's target serves on a laptop
   */
  public record Setup(String family, String strategy, List<String> serve, Class<?> simulation,
      Map<String, String> properties, double ceilingRps) {}

  private Calibration() {}

  /** Ramps the family's target and returns the calibration (its {@code kneeRps} and how it was found). */
  static Map<String, Object> measure(RunContext run, Setup setup, Path work)
      throws IOException, InterruptedException {
    Consumer<String> progress = run.progress()::update;
    double from = Math.max(10, setup.ceilingRps() / 20);
    List<String> serve = new ArrayList<>(setup.serve());
    serve.addAll(List.of("--hlog", LoadStep.serverLog(work).toString()));
    Path clientLog = LoadStep.clientLog(work);
    try (LoadStep step = run.loadStep("calibration " + setup.family(), work)) {
      TargetProcess target = step.target("target", serve, work);
      Map<String, String> p = new LinkedHashMap<>(setup.properties());
      p.put("target.url", target.url());
      p.put("rate", String.valueOf(setup.ceilingRps()));
      p.put("profile", "ramp");
      p.put("ramp.from", String.valueOf(from));
      p.put("warmup.rate", String.valueOf(from));
      p.put("duration", String.valueOf(RAMP_SECONDS));
      p.put("warmup", String.valueOf(WARMUP_SECONDS));
      p.put("hlog", clientLog.toString());
      long started = System.nanoTime();
      boolean stopped = GatlingRun.runUntil(setup.simulation().getName(), p, work.resolve("gatling"),
          work.resolve("gatling.log"), process -> step.watch("gatling", process.pid()), () -> {
            Judged j = judge(LoadWindow.read(clientLog), step.machine(), from, setup.ceilingRps());
            progress.accept(String.format(Locale.ROOT, "ramp at %.0f req/s%s", j.lastOffered,
                j.knee > 0 ? ", knee at " + Math.round(j.knee) + " req/s" : ""));
            return j.over;
          });
      Judged judged = judge(LoadWindow.read(clientLog), step.machine(), from, setup.ceilingRps());
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("strategy", setup.strategy());
      out.put("method", "ramp from " + Math.round(from) + " to " + Math.round(setup.ceilingRps()) + " req/s over "
          + RAMP_SECONDS + " s after a " + WARMUP_SECONDS + " s warm-up; the knee is the last second before two"
          + " seconds in a row whose p99 exceeds " + (int) KNEE_FACTOR + "x the first seconds' (and +"
          + KNEE_MARGIN_MILLIS + " ms), whose errors exceed 1%, that answered under 90% of the requests due, or in"
          + " which the load generator lagged over " + Diagnosis.LAG_P99_MILLIS + " ms");
      out.put("kneeRps", Math.round(judged.knee));
      out.put("limitedBy", judged.limitedBy);
      out.put("baselineP99Millis", judged.baseline);
      out.put("stoppedEarly", stopped);
      out.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
      out.put("perSecond", judged.seconds);
      out.put("machine", step.machine());
      if (judged.knee <= 0) {
        throw new IOException("the calibration ramp of " + setup.family() + " found no rate this machine serves"
            + " (see " + work + "): " + judged.limitedBy);
      }
      return out;
    }
  }

  /** The ramp's seconds, judged. */
  static final class Judged {
    double knee;
    double lastOffered;
    boolean over;
    double baseline;
    String limitedBy = "the ramp's end (the capacity is at least this)";
    final List<Map<String, Object>> seconds = new ArrayList<>();
  }

  /** Judges the seconds of a ramp from {@code from} to {@code to} over {@value #RAMP_SECONDS} s. */
  static Judged judge(LoadWindow window, List<MachineMonitor.Sample> machine, double from, double to) {
    Judged j = new Judged();
    List<LoadWindow.Second> all = window.seconds;
    if (all.isEmpty()) {
      j.limitedBy = "no second was answered";
      return j;
    }
    long start = all.get(0).startMillis();
    double[] firstP99 = all.stream().limit(3).mapToDouble(s -> p99Millis(s)).toArray();
    Arrays.sort(firstP99);
    j.baseline = firstP99[firstP99.length / 2];
    double limit = Math.max(KNEE_FACTOR * j.baseline, j.baseline + KNEE_MARGIN_MILLIS);
    int badInARow = 0;
    double lastGood = 0;
    for (int i = 0; i < all.size(); i++) {
      LoadWindow.Second s = all.get(i);
      boolean complete = s.seconds() >= 0.95;
      double mid = (s.startMillis() + s.endMillis()) / 2000.0 - start / 1000.0;
      double offered = from + (to - from) * Math.min(1, mid / RAMP_SECONDS);
      double due = (from + (to - from) * Math.min(1, ((s.startMillis() - start) / 1000.0 + s.seconds() / 2)
          / RAMP_SECONDS)) * s.seconds();
      double p99 = p99Millis(s);
      double errors = s.requests() == 0 ? 0 : (double) s.ko() / s.requests();
      double lag = s.lag().getTotalCount() == 0 ? 0 : s.lag().getValueAtPercentile(99) / 1e6;
      List<String> why = new ArrayList<>();
      if (p99 > limit) {
        why.add(String.format(Locale.ROOT, "p99 %.0f ms > %.0f ms", p99, limit));
      }
      if (errors > 0.01) {
        why.add(String.format(Locale.ROOT, "errors %.1f%%", errors * 100));
      }
      if (complete && i > 0 && s.requests() < 0.9 * due) {
        why.add(String.format(Locale.ROOT, "answered %d of %.0f due", s.requests(), due));
      }
      if (lag > Diagnosis.LAG_P99_MILLIS) {
        why.add(String.format(Locale.ROOT, "generator lag %.0f ms", lag));
      }
      double busy = busy(machine, s.endMillis());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("offeredRps", Math.round(offered));
      m.put("answered", s.requests());
      m.put("p99Millis", p99);
      m.put("errorRate", Math.round(errors * 10_000) / 10_000.0);
      m.put("lagP99Millis", Math.round(lag * 10) / 10.0);
      m.put("machineBusy", Math.round(busy * 1000) / 1000.0);
      m.put("overKnee", String.join(", ", why));
      j.seconds.add(m);
      if (!complete) {
        continue; // the last, partial second of a stopped ramp
      }
      j.lastOffered = offered;
      if (why.isEmpty()) {
        badInARow = 0;
        lastGood = offered;
      } else if (++badInARow >= 2 && !j.over) {
        j.over = true;
        j.knee = lastGood;
        j.limitedBy = String.join(", ", why);
      }
    }
    if (!j.over) {
      j.knee = lastGood;
    }
    return j;
  }

  /** The machine's busy share (steal counted as busy) in the second that ended at {@code endMillis}; 0 unknown. */
  private static double busy(List<MachineMonitor.Sample> machine, long endMillis) {
    MachineMonitor.Sample best = null;
    for (MachineMonitor.Sample s : machine) {
      if (best == null || Math.abs(s.epochMillis() - endMillis) < Math.abs(best.epochMillis() - endMillis)) {
        best = s;
      }
    }
    return best == null || Math.abs(best.epochMillis() - endMillis) > 1000 ? 0 : best.busy() + best.steal();
  }

  private static double p99Millis(LoadWindow.Second s) {
    return s.latency().getTotalCount() == 0 ? 0 : Math.round(s.latency().getValueAtPercentile(99) / 1e6);
  }
}
