package io.strategybench.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a load step measured the strategy or the machine. A step is {@code inconclusive} when, during its
 * measured phase:
 *
 * <ul>
 *   <li>the load generator fell behind its schedule: the 99th percentile of how late its users started is over
 *       its tolerance ({@value #LAG_P99_MILLIS} ms, unless the step states what its scenario tolerates: a burst of
 *       users all due at once lands over some time on any generator), so the target saw a lighter, burstier load than
 *       planned (coordinated omission by the generator itself);
 *   <li>the host stole more than {@value #STEAL_PERCENT}% of the CPU on average (a virtual machine waiting for its
 *       hypervisor);
 *   <li>the target was starved for at least {@value #STARVED_PERCENT}% of its measured phase, enough to move its
 *       99th percentile: the seconds wholly inside the phase in which one of its event loops ran a task due every
 *       10 ms later than its tolerance ({@value #LOOP_DELAY_MILLIS} ms unless the step states more) while its I/O
 *       thread spent more of that second runnable but waiting for a CPU than running (Linux's schedstat: the
 *       machine held it back, not its own work) add up, each by its longest delay, to that share of the phase.
 *       Where schedstat is missing, a second counts when the target used under {@value #BUSY_TARGET_PERCENT}% of its
 *       I/O threads' cores and the machine had no core to spare (at least {@value #MACHINE_BUSY_PERCENT}% busy, or
 *       stolen). A loop late because its thread is busy running is the target's own cost, and the strategy's: that
 *       is measured, not excused. A second of garbage collection counts as the target's own.
 * </ul>
 *
 * <p>Checks on an inconclusive step are not judged. Everything the rules read is recorded with the step, second
 * by second, so a reader can see why.
 */
final class Diagnosis {
  static final int LAG_P99_MILLIS = 50;
  static final int STEAL_PERCENT = 10;
  static final int STARVED_PERCENT = 1;
  static final int LOOP_DELAY_MILLIS = 50;
  static final int BUSY_TARGET_PERCENT = 80;
  static final int MACHINE_BUSY_PERCENT = 90;

  static final String CONCLUSIVE = "conclusive";
  static final String INCONCLUSIVE = "inconclusive";

  /** The vitals of one target process: its I/O threads and its seconds ({@code /_/stats} {@code vitals}). */
  record TargetVitals(String name, int ioThreads, List<Map<String, Object>> perSecond) {}

  private Diagnosis() {}

  /**
   * The diagnosis of a step's measured phase.
   *
   * @param window the phase, from the client log (its seconds and the generator's lag)
   * @param monitor what the machine did (null: not watched)
   * @param targets each target's vitals
   */
  static Map<String, Object> of(LoadWindow window, MachineMonitor monitor, List<TargetVitals> targets) {
    return of(window, monitor, targets, LAG_P99_MILLIS, LOOP_DELAY_MILLIS, null);
  }

  /**
   * The diagnosis, with the step's own tolerances for the generator's lag and the target's event-loop delay
   * ({@code why}: what the scenario needs).
   */
  static Map<String, Object> of(LoadWindow window, MachineMonitor monitor, List<TargetVitals> targets,
      double lagAllowanceMillis, double delayAllowanceMillis, String why) {
    List<String> reasons = new ArrayList<>();
    Map<String, Object> out = new LinkedHashMap<>();
    long from = window.startMillis();
    long to = window.endMillis();
    out.put("windowSeconds", window.seconds.size());

    // the load generator
    Map<String, Object> generator = new LinkedHashMap<>();
    long lagged = window.lag.getTotalCount();
    double lagP99 = lagged == 0 ? 0 : window.lag.getValueAtPercentile(99) / 1e6;
    double lagMax = lagged == 0 ? 0 : window.lag.getMaxValue() / 1e6;
    generator.put("usersStarted", lagged);
    generator.put("lagP50Millis", round(lagged == 0 ? 0 : window.lag.getValueAtPercentile(50) / 1e6));
    generator.put("lagP99Millis", round(lagP99));
    generator.put("lagMaxMillis", round(lagMax));
    generator.put("lagAllowanceMillis", lagAllowanceMillis);
    out.put("loopDelayAllowanceMillis", delayAllowanceMillis);
    if (why != null) {
      generator.put("lagAllowance", why);
    }
    out.put("generator", generator);
    if (lagP99 > lagAllowanceMillis) {
      reasons.add(String.format(Locale.ROOT, "the load generator fell behind its schedule: 1%% of its users started"
          + " more than %.0f ms late (at most %.0f ms; allowed %.0f ms), so the target saw a lighter, burstier load"
          + " than planned", lagP99, lagMax, lagAllowanceMillis));
    }

    // the machine
    List<MachineMonitor.Sample> seconds = new ArrayList<>();
    if (monitor != null && monitor.available()) {
      for (MachineMonitor.Sample s : monitor.samples()) {
        // a sample covers the second before its time stamp
        if (s.epochMillis() > from && s.epochMillis() - 1000 < to) {
          seconds.add(s);
        }
      }
    }
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("watched", monitor != null && monitor.available());
    if (monitor != null) {
      machine.put("cores", monitor.cores());
    }
    double stealMean = seconds.stream().mapToDouble(MachineMonitor.Sample::steal).average().orElse(0);
    machine.put("busyMean", round(seconds.stream().mapToDouble(MachineMonitor.Sample::busy).average().orElse(0)));
    machine.put("busyMax", round(seconds.stream().mapToDouble(MachineMonitor.Sample::busy).max().orElse(0)));
    machine.put("stealMean", round(stealMean));
    machine.put("stealMax", round(seconds.stream().mapToDouble(MachineMonitor.Sample::steal).max().orElse(0)));
    machine.put("otherCoresMean",
        round(seconds.stream().mapToDouble(MachineMonitor.Sample::otherCores).average().orElse(0)));
    machine.put("perSecond", seconds);
    out.put("machine", machine);
    if (stealMean * 100 > STEAL_PERCENT) {
      reasons.add(String.format(Locale.ROOT, "the host stole %.0f%% of the CPU on average (allowed %d%%)",
          stealMean * 100, STEAL_PERCENT));
    }

    // the targets
    List<Map<String, Object>> perTarget = new ArrayList<>();
    for (TargetVitals t : targets) {
      int inWindow = 0;
      int starved = 0;
      double worst = 0;
      double gc = 0;
      double cpu = 0;
      double delayMax = 0;
      double waitedMax = 0;
      double starvedMillis = 0;
      double waited = 0;
      double ioCpu = 0;
      boolean schedstat = true;
      List<Map<String, Object>> kept = new ArrayList<>();
      for (Map<String, Object> second : t.perSecond()) {
        long end = num(second.get("endEpochMillis")).longValue();
        // seconds wholly inside the phase (100 ms of slack: the clocks tick apart)
        if (end - 1000 < from - 100 || end > to + 100) {
          continue;
        }
        inWindow++;
        kept.add(second);
        double delay = num(second.get("loopDelayMaxMicros")).doubleValue() / 1000;
        double cores = num(second.get("cpuCores")).doubleValue();
        double gcMillis = num(second.get("gcPauseMillis")).doubleValue();
        gc += gcMillis;
        cpu += cores;
        delayMax = Math.max(delayMax, delay);
        boolean ownPause = gcMillis >= delay / 2;
        boolean heldBack;
        if (second.get("ioRunQueueMillis") instanceof Number wait) {
          double ran = num(second.get("ioCpuMillis")).doubleValue();
          waitedMax = Math.max(waitedMax, wait.doubleValue());
          waited += wait.doubleValue();
          ioCpu += ran;
          heldBack = wait.doubleValue() > ran;
        } else {
          schedstat = false;
          heldBack = cores < BUSY_TARGET_PERCENT / 100.0 * t.ioThreads() && machineFull(seconds, end);
        }
        if (delay >= delayAllowanceMillis && heldBack && !ownPause) {
          starved++;
          starvedMillis += delay;
          worst = Math.max(worst, delay);
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("target", t.name());
      m.put("seconds", inWindow);
      m.put("loopDelayMaxMillis", round(delayMax));
      m.put("gcPauseMillis", round(gc));
      m.put("cpuCoresMean", round(inWindow == 0 ? 0 : cpu / inWindow));
      if (schedstat && inWindow > 0) {
        m.put("ioBusyMean", round(ioCpu / inWindow / 1000 / Math.max(1, t.ioThreads())));
        m.put("ioRunQueueMillisMean", round(waited / inWindow));
        m.put("ioRunQueueMillisMax", round(waitedMax));
      }
      m.put("starvedSeconds", starved);
      m.put("starvedMillis", round(starvedMillis));
      m.put("perSecond", kept);
      perTarget.add(m);
      double share = inWindow == 0 ? 0 : starvedMillis / (inWindow * 1000.0);
      if (share * 100 >= STARVED_PERCENT) {
        reasons.add(String.format(Locale.ROOT, "the %s was starved of CPU for about %.0f ms of %d measured seconds"
            + " (%.1f%%, enough to move its 99th percentile): in %d second(s) its event loop ran up to %.0f ms late"
            + " (tolerated: %.0f ms) while %s (machine busy %.0f%% on average, %.1f cores used by other programs,"
            + " steal %.0f%%)", t.name(), starvedMillis, inWindow, share * 100, starved, worst, delayAllowanceMillis,
            schedstat ? "its I/O thread waited for a CPU longer than it ran (up to " + Math.round(waitedMax)
                + " ms in a second)" : "it used under " + BUSY_TARGET_PERCENT + "% of its I/O threads' cores and the"
                + " machine had no core to spare", num(machine.get("busyMean")).doubleValue() * 100,
            num(machine.get("otherCoresMean")).doubleValue(), stealMean * 100));
      }
    }
    out.put("targets", perTarget);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("verdict", reasons.isEmpty() ? CONCLUSIVE : INCONCLUSIVE);
    doc.put("reasons", reasons);
    doc.putAll(out);
    return doc;
  }

  /** Whether the machine had no core to spare in the second that ended at {@code endMillis}, or near it. */
  private static boolean machineFull(List<MachineMonitor.Sample> seconds, long endMillis) {
    if (seconds.isEmpty()) {
      return false; // not watched: nothing proves the machine was at fault
    }
    for (MachineMonitor.Sample s : seconds) {
      if (Math.abs(s.epochMillis() - endMillis) <= 1000
          && (s.busy() * 100 >= MACHINE_BUSY_PERCENT || s.steal() * 100 >= STEAL_PERCENT)) {
        return true;
      }
    }
    return false;
  }

  private static Number num(Object value) {
    return value instanceof Number n ? n : 0;
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
