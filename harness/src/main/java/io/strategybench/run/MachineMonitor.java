package io.strategybench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the machine did while a load step ran, once a second, from {@code /proc} (Linux): the share of all cores
 * busy, the share the host stole (a virtual machine waiting for its hypervisor), and the CPU of each process of
 * the run (the target, the load generator, the harness, Redis) in cores; what is busy beyond them is the rest of
 * the machine. Elsewhere it records nothing, and says so.
 */
public final class MachineMonitor implements AutoCloseable {
  private static final Path STAT = Path.of("/proc/stat");

  /**
   * One second of the machine.
   *
   * @param epochMillis when the second ended
   * @param busy share of all cores busy (user, nice, system, irq, softirq), 0 to 1
   * @param steal share of all cores' time the host took, 0 to 1
   * @param processCores each watched process's CPU in that second, in cores, by role
   * @param otherCores cores busy beyond the watched processes (other programs, the kernel's own work)
   */
  public record Sample(long epochMillis, double busy, double steal, Map<String, Double> processCores,
      double otherCores) {}

  private record Ticks(long busy, long steal, long total) {}

  private final ScheduledExecutorService ticker;
  private final Map<String, Long> pids = new LinkedHashMap<>();
  private final Map<String, Long> lastProcessTicks = new LinkedHashMap<>();
  private final List<Sample> samples = new ArrayList<>();
  private final int cores;
  private final boolean available;
  private Ticks last;
  private long lastNanos;

  private MachineMonitor() {
    available = Files.isReadable(STAT);
    cores = Runtime.getRuntime().availableProcessors();
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "machine-monitor");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts sampling, once a second, with this JVM watched as {@code harness}. */
  public static MachineMonitor start() {
    MachineMonitor monitor = new MachineMonitor();
    monitor.watch("harness", ProcessHandle.current().pid());
    if (monitor.available) {
      synchronized (monitor) {
        monitor.last = monitor.machineTicks();
        monitor.lastNanos = System.nanoTime();
      }
      monitor.ticker.scheduleAtFixedRate(monitor::sample, 1, 1, TimeUnit.SECONDS);
    }
    return monitor;
  }

  /**
   * How busy the machine is with whatever runs on it now (steal counted as busy), over {@code duration}: the
   * background a load step will run against; 0 where it cannot be watched.
   */
  public static double background(java.time.Duration duration) throws InterruptedException {
    MachineMonitor m = new MachineMonitor();
    if (!m.available) {
      return 0;
    }
    Ticks before = m.machineTicks();
    Thread.sleep(duration.toMillis());
    Ticks after = m.machineTicks();
    if (before == null || after == null || after.total <= before.total) {
      return 0;
    }
    m.ticker.shutdownNow();
    return round((double) (after.busy - before.busy + after.steal - before.steal) / (after.total - before.total));
  }

  /** Whether this machine can be watched ({@code /proc/stat} exists). */
  public boolean available() {
    return available;
  }

  public int cores() {
    return cores;
  }

  /** Watches process {@code pid} as {@code role} from now on (a second process of one role adds up). */
  public synchronized void watch(String role, long pid) {
    String key = role;
    for (int i = 2; pids.containsKey(key); i++) {
      key = role + "-" + i;
    }
    pids.put(key, pid);
    lastProcessTicks.put(key, processTicks(pid));
  }

  /** The seconds recorded so far. */
  public synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  private synchronized void sample() {
    try {
      Ticks now = machineTicks();
      long nanos = System.nanoTime();
      if (now == null || last == null) {
        return;
      }
      long total = now.total - last.total;
      if (total <= 0) {
        return;
      }
      double seconds = (nanos - lastNanos) / 1e9;
      // ticks per second of one core: the kernel's USER_HZ, measured rather than assumed
      double hz = total / seconds / cores;
      Map<String, Double> processes = new LinkedHashMap<>();
      double ours = 0;
      for (Map.Entry<String, Long> e : pids.entrySet()) {
        long ticks = processTicks(e.getValue());
        Long before = lastProcessTicks.get(e.getKey());
        if (ticks >= 0 && before != null && before >= 0) {
          double used = Math.max(0, (ticks - before) / hz / seconds);
          processes.put(e.getKey(), round(used));
          ours += used;
        }
        lastProcessTicks.put(e.getKey(), ticks);
      }
      double busy = (double) (now.busy - last.busy) / total;
      double steal = (double) (now.steal - last.steal) / total;
      samples.add(new Sample(System.currentTimeMillis(), round(busy), round(steal), processes,
          round(Math.max(0, busy * cores - ours))));
      last = now;
      lastNanos = nanos;
    } catch (RuntimeException e) {
      // a second missed; the next one reads afresh
    }
  }

  /** The aggregate {@code cpu} line of /proc/stat. */
  private Ticks machineTicks() {
    try {
      for (String line : Files.readAllLines(STAT, StandardCharsets.US_ASCII)) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long user = Long.parseLong(f[1]);
          long nice = Long.parseLong(f[2]);
          long system = Long.parseLong(f[3]);
          long idle = Long.parseLong(f[4]);
          long iowait = f.length > 5 ? Long.parseLong(f[5]) : 0;
          long irq = f.length > 6 ? Long.parseLong(f[6]) : 0;
          long softirq = f.length > 7 ? Long.parseLong(f[7]) : 0;
          long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
          long busy = user + nice + system + irq + softirq;
          return new Ticks(busy, steal, busy + idle + iowait + steal);
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /** utime + stime of a process (all its threads), in ticks; -1 when it is gone or unreadable. */
  static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.US_ASCII);
      // the command name may hold spaces and parentheses: fields are counted from the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
