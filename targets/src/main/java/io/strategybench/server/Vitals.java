package io.strategybench.server;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the target's own process went through, second by second, so a load run can tell a slow strategy from a
 * starved machine: how late its event loops ran a task due every {@value #PROBE_MILLIS} ms (the event-loop delay:
 * the loop was busy, or its thread was not scheduled), how long its I/O threads ran and how long they waited for a
 * CPU while runnable (Linux's {@code /proc/self/task/TID/schedstat}: a thread that waits on the run queue is starved
 * by the machine, a thread that runs is busy with its own work), how long the garbage collector paused the process,
 * and how much CPU the process used. Kept since the last reset, one record a second.
 */
public final class Vitals {
  static final long PROBE_MILLIS = 10;
  /** Seconds kept: an hour. */
  private static final int MAX_SECONDS = 3600;

  private final Recorder loopDelay = new Recorder(TimeUnit.SECONDS.toNanos(60), 2);
  private final List<EventLoop> loops = new ArrayList<>();
  private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
  private final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
  private final List<Map<String, Object>> perSecond = new ArrayList<>();
  private final List<String> loopThreadNames = new java.util.concurrent.CopyOnWriteArrayList<>();
  private List<java.nio.file.Path> loopTasks = List.of();
  private long[] lastSched = new long[0];
  private Histogram interval;
  private long lastGcMillis;
  private long lastGcCount;
  private long lastCpuNanos;
  private long lastTickNanos;
  private volatile boolean running;

  /** Starts probing every event loop of {@code group}. */
  void start(EventLoopGroup group) {
    running = true;
    for (EventExecutor executor : group) {
      if (executor instanceof EventLoop loop) {
        loops.add(loop);
        loop.execute(() -> loopThreadNames.add(Thread.currentThread().getName()));
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROBE_MILLIS);
        loop.schedule(() -> probe(loop, due), PROBE_MILLIS, TimeUnit.MILLISECONDS);
      }
    }
    synchronized (this) {
      baseline();
    }
  }

  void stop() {
    running = false;
  }

  private void probe(EventLoop loop, long due) {
    long now = System.nanoTime();
    loopDelay.recordValue(Math.min(Math.max(now - due, 0), TimeUnit.SECONDS.toNanos(60)));
    if (running) {
      long next = now + TimeUnit.MILLISECONDS.toNanos(PROBE_MILLIS);
      loop.schedule(() -> probe(loop, next), PROBE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void baseline() {
    lastSched = schedstat();
    lastGcMillis = gcMillis();
    lastGcCount = gcCount();
    lastCpuNanos = cpuNanos();
    lastTickNanos = System.nanoTime();
  }

  /** Closes the second that just ended; called once a second. */
  synchronized void tick() {
    long now = System.nanoTime();
    interval = loopDelay.getIntervalHistogram(interval);
    long gc = gcMillis();
    long count = gcCount();
    long cpu = cpuNanos();
    double seconds = Math.max(1e-3, (now - lastTickNanos) / 1e9);
    Map<String, Object> second = new LinkedHashMap<>();
    second.put("endEpochMillis", System.currentTimeMillis());
    second.put("loopDelayMaxMicros", micros(interval.getTotalCount() == 0 ? 0 : interval.getMaxValue()));
    second.put("loopDelayP99Micros", micros(interval.getValueAtPercentile(99)));
    long[] sched = schedstat();
    if (sched.length == lastSched.length && sched.length > 0) {
      long cpuNanos = 0;
      long waitNanos = 0;
      for (int i = 0; i < sched.length; i += 2) {
        cpuNanos += Math.max(0, sched[i] - lastSched[i]);
        waitNanos = Math.max(waitNanos, Math.max(0, sched[i + 1] - lastSched[i + 1]));
      }
      second.put("ioCpuMillis", Math.round(cpuNanos / 1e5) / 10.0);
      second.put("ioRunQueueMillis", Math.round(waitNanos / 1e5) / 10.0);
    }
    lastSched = sched;
    second.put("gcPauseMillis", gc - lastGcMillis);
    second.put("gcCount", count - lastGcCount);
    second.put("cpuCores", cpu < 0 ? null : Math.round((cpu - lastCpuNanos) / 1e9 / seconds * 1000) / 1000.0);
    perSecond.add(second);
    if (perSecond.size() > MAX_SECONDS) {
      perSecond.remove(0);
    }
    lastGcMillis = gc;
    lastGcCount = count;
    lastCpuNanos = cpu;
    lastTickNanos = now;
  }

  /** Starts the seconds over (a {@code /_/reset}). */
  synchronized void reset() {
    loopDelay.reset();
    perSecond.clear();
    baseline();
  }

  /** The seconds since the last reset, and what they add up to. */
  synchronized Map<String, Object> snapshot() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("probeMillis", PROBE_MILLIS);
    out.put("eventLoops", loops.size());
    out.put("perSecond", List.copyOf(perSecond));
    return out;
  }

  /**
   * CPU time and run-queue wait of each I/O thread, in pairs (nanoseconds, from /proc/self/task/TID/schedstat);
   * empty where there is no such file.
   */
  private long[] schedstat() {
    if (loopTasks.size() < loops.size()) {
      loopTasks = findLoopTasks();
    }
    long[] out = new long[loopTasks.size() * 2];
    for (int i = 0; i < loopTasks.size(); i++) {
      try {
        String[] f = java.nio.file.Files.readString(loopTasks.get(i)).trim().split("\\s+");
        out[2 * i] = Long.parseLong(f[0]);
        out[2 * i + 1] = Long.parseLong(f[1]);
      } catch (java.io.IOException | RuntimeException e) {
        return new long[0];
      }
    }
    return out;
  }

  /** The schedstat files of the I/O threads, found by their names (the kernel keeps the first 15 characters). */
  private List<java.nio.file.Path> findLoopTasks() {
    List<java.nio.file.Path> found = new ArrayList<>();
    java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
    if (!java.nio.file.Files.isDirectory(tasks) || loopThreadNames.size() < loops.size()) {
      return found;
    }
    try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.list(tasks)) {
      for (java.nio.file.Path task : all.toList()) {
        try {
          String comm = java.nio.file.Files.readString(task.resolve("comm")).trim();
          for (String name : loopThreadNames) {
            if (name.startsWith(comm) && comm.length() >= Math.min(15, name.length())
                && java.nio.file.Files.isReadable(task.resolve("schedstat"))) {
              found.add(task.resolve("schedstat"));
              break;
            }
          }
        } catch (java.io.IOException e) {
          // a thread that ended
        }
      }
    } catch (java.io.IOException e) {
      return List.of();
    }
    return found.size() == loops.size() ? found : List.of();
  }

  private long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean c : collectors) {
      sum += Math.max(0, c.getCollectionTime());
    }
    return sum;
  }

  private long gcCount() {
    long sum = 0;
    for (GarbageCollectorMXBean c : collectors) {
      sum += Math.max(0, c.getCollectionCount());
    }
    return sum;
  }

  private long cpuNanos() {
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
  }

  private static double micros(double nanos) {
    return Math.round(nanos / 10.0) / 100.0;
  }
}
