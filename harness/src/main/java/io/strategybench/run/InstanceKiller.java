package io.strategybench.run;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Kills one instance of a load run mid-run, as a crash would (SIGKILL), and starts it again on its port: waits for
 * the measured phase (the reset that starts it zeroes the instance's {@code sinceResetSeconds}), then
 * {@code afterSeconds}, kills, waits {@code restartSeconds}, starts. The restarted instance takes the dead one's place
 * in {@code instances}. Runs on a thread of its own; {@link #finish} waits for it.
 */
public final class InstanceKiller {
  private final Thread thread;
  private final Map<String, Object> report = new LinkedHashMap<>();
  private volatile Map<String, Object> statsBeforeKill = Map.of();

  private InstanceKiller(Runnable body) {
    thread = new Thread(body, "instance-killer");
    thread.setDaemon(true);
  }

  public static InstanceKiller start(LoadStep step, List<TargetProcess> instances, int index, List<String> serve, Path dir,
      double afterSeconds, int restartSeconds) {
    InstanceKiller[] self = new InstanceKiller[1];
    self[0] = new InstanceKiller(() -> self[0].kill(step, instances, index, serve, dir, afterSeconds,
        restartSeconds));
    self[0].thread.start();
    return self[0];
  }

  private void kill(LoadStep step, List<TargetProcess> instances, int index, List<String> serve, Path dir,
      double afterSeconds, int restartSeconds) {
    TargetProcess victim = instances.get(index);
    try {
      double previous = Double.MAX_VALUE;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (System.nanoTime() < deadline) { // the measured phase begins with a reset
        double since = Figures.asDouble(victim.stats().get("sinceResetSeconds"));
        if (since < previous - 0.05 && previous != Double.MAX_VALUE) {
          break;
        }
        previous = since;
        Thread.sleep(100);
      }
      Thread.sleep((long) (afterSeconds * 1000));
      long killed = System.nanoTime();
      synchronized (report) {
        report.put("instance", index + 1);
        report.put("killedAtSeconds", Figures.round(afterSeconds));
      }
      try {
        statsBeforeKill = victim.stats(); // what it counted since the reset dies with it
      } catch (java.io.IOException | RuntimeException e) {
        statsBeforeKill = Map.of();
      }
      victim.kill();
      Thread.sleep(restartSeconds * 1000L);
      TargetProcess restarted = step.target("instance " + (index + 1) + " (restarted)", serve, dir.resolveSibling(
          dir.getFileName() + "-restarted"), victim.port());
      synchronized (instances) {
        instances.set(index, restarted);
      }
      synchronized (report) {
        report.put("downSeconds", Figures.round((System.nanoTime() - killed) / 1e9));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      synchronized (report) {
        report.put("error", String.valueOf(e.getMessage()));
      }
    }
  }

  /** Waits until the instance is back (or the kill failed). */
  public void finish() throws InterruptedException {
    thread.join(TimeUnit.MINUTES.toMillis(3));
  }

  /**
   * The victim's {@code /_/stats} a moment before it was killed (empty when it did not answer): its counters since
   * the reset, which the restarted instance does not have.
   */
  public Map<String, Object> statsBeforeKill() {
    return statsBeforeKill;
  }

  /** When the instance died and for how long; {@code error} when the kill or the restart failed. */
  public Map<String, Object> report() {
    synchronized (report) {
      return new LinkedHashMap<>(report);
    }
  }
}
