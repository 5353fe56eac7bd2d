package io.strategybench.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.ratelimit.Decision;
import io.strategybench.strategy.SettingsBinder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three gateway instances, each with its own Redis client and connection, three threads each, hammer one
 * key on Redis's clock. Every admission is recorded with the Redis TIME its script ran at, so the limit is
 * checked in Redis time, exactly: no sliding window holds more than {@code limit} admissions (sliding log,
 * GCRA without burst), no aligned window more than {@code limit} (fixed window).
 */
class RedisDistributedTest {
  private static final long LIMIT = 200;
  private static final long WINDOW_MILLIS = 1000;
  private static final long WINDOW_MICROS = WINDOW_MILLIS * 1000;
  private static final long RUN_MILLIS = 2500;
  private static final int INSTANCES = 3;
  private static final int THREADS_PER_INSTANCE = 3;

  static RedisServerProcess redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.launch();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  /** Admission times (Redis microseconds), sorted, how many calls were made, and for how long. */
  record Run(long[] admitted, long calls, long[] perInstance, long millis) {
    /** Windows a run of this length overlaps at most, as a sliding bound: d / window + 1. */
    double slidingWindows() {
      return millis / (double) WINDOW_MILLIS + 1;
    }
  }

  /** Calls a run must make per admission it could have had, so that the limit is contended on a slow machine too. */
  private static final int CONTENTION = 3;
  private static final long MAX_RUN_MILLIS = 20_000;

  private static <S extends RedisSettings> Run hammer(S settings,
      BiFunction<S, Boolean, RedisRateLimiter> factory) throws InterruptedException {
    settings.redis = redis.uri();
    settings.limit = LIMIT;
    settings.windowMillis = WINDOW_MILLIS;
    settings.time = RedisSettings.TimeSource.REDIS;
    settings.keyPrefix = "dist:";
    settings.timeoutMillis = 2000; // a slow call must not be counted as a fail-open admission here
    settings.validate();
    List<RedisRateLimiter> limiters = new ArrayList<>();
    ConcurrentLinkedQueue<Long> admissions = new ConcurrentLinkedQueue<>();
    AtomicLong calls = new AtomicLong();
    long[] perInstance = new long[INSTANCES];
    List<Thread> threads = new ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    for (int i = 0; i < INSTANCES; i++) {
      RedisRateLimiter limiter = factory.apply(settings, false); // a connection of its own
      int instance = i;
      limiter.listener = (key, nowMicros, decision) -> {
        if (decision.admitted()) {
          admissions.add(nowMicros);
          synchronized (perInstance) {
            perInstance[instance]++;
          }
        }
      };
      limiters.add(limiter);
      for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
        threads.add(new Thread(() -> {
          while (running.get()) {
            limiter.acquire("shared-key", System.nanoTime());
            calls.incrementAndGet();
          }
        }, "hammer-" + i + "-" + t));
      }
    }
    long started = System.nanoTime(); // after connecting, before the threads start
    threads.forEach(Thread::start);
    // At least RUN_MILLIS, and until the calls are CONTENTION times what the limit could admit in that time: a
    // busy machine makes fewer calls a second, so it runs longer instead of proving nothing.
    long millis;
    while (true) {
      Thread.sleep(50);
      millis = (System.nanoTime() - started) / 1_000_000;
      double admissible = LIMIT * (millis / (double) WINDOW_MILLIS + 2);
      if (millis >= MAX_RUN_MILLIS || (millis >= RUN_MILLIS && calls.get() >= CONTENTION * admissible)) {
        break;
      }
    }
    running.set(false);
    millis = (System.nanoTime() - started) / 1_000_000;
    for (Thread thread : threads) {
      thread.join();
    }
    for (RedisRateLimiter limiter : limiters) {
      assertThat(limiter.stats()).as("no Redis failures").containsEntry("redisErrors", 0L);
      limiter.close();
    }
    long[] times = admissions.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Run(times, calls.get(), perInstance, millis);
  }

  /** The most admissions in any window (t - window, t]. */
  private static long maxInSlidingWindow(long[] times) {
    long max = 0;
    int start = 0;
    for (int i = 0; i < times.length; i++) {
      while (times[start] <= times[i] - WINDOW_MICROS) {
        start++;
      }
      max = Math.max(max, i - start + 1);
    }
    return max;
  }

  /** @param windows how many windows' worth of limit a run of RUN_MILLIS may admit at most */
  private static void assertContended(String name, Run run, double windows) {
    double spread = (double) (run.admitted[run.admitted.length - 1] - run.admitted[0]) / WINDOW_MICROS;
    System.out.printf("%s: %d calls, %d admitted (per instance %s) over %.2f windows, %d ms%n", name, run.calls,
        run.admitted.length, Arrays.toString(run.perInstance), spread, run.millis);
    assertThat(run.calls).as("the limit was contended").isGreaterThan(3 * run.admitted.length);
    assertThat(Arrays.stream(run.perInstance).min().orElse(0)).as("every instance got admissions").isPositive();
    assertThat((double) run.admitted.length).as("total admitted")
        .isLessThanOrEqualTo(LIMIT * windows);
  }

  @Test
  void slidingLogNeverAdmitsMoreThanTheLimitInAnyWindowAcrossInstances() throws InterruptedException {
    Run run = hammer(new RedisSettings(), RedisSlidingLog::new);
    // any interval of length d holds at most limit x (d / window + 1)
    assertContended("redis-sliding-log", run, run.slidingWindows());
    long max = maxInSlidingWindow(run.admitted);
    System.out.printf("redis-sliding-log: max %d admitted in any %d ms window (limit %d)%n", max, WINDOW_MILLIS, LIMIT);
    assertThat(max).isEqualTo(LIMIT);
  }

  @Test
  void gcraWithoutBurstNeverAdmitsMoreThanTheLimitInAnyWindowAcrossInstances() throws InterruptedException {
    RedisGcra.Settings settings = SettingsBinder.bind(RedisGcra.Settings.class, Map.of("burst", "0"), "test");
    Run run = hammer(settings, RedisGcra::new);
    assertContended("redis-gcra", run, run.slidingWindows());
    long max = maxInSlidingWindow(run.admitted);
    System.out.printf("redis-gcra (burst 0): max %d admitted in any %d ms window (limit %d)%n", max, WINDOW_MILLIS,
        LIMIT);
    // Without burst a slot whose call comes late is lost, so the rate stays somewhat under the limit.
    assertThat(max).isLessThanOrEqualTo(LIMIT).isGreaterThanOrEqualTo(LIMIT / 2);
    for (int i = 1; i < run.admitted.length; i++) {
      assertThat(run.admitted[i] - run.admitted[i - 1]).as("spacing of admissions, T = window / limit")
          .isGreaterThanOrEqualTo(WINDOW_MICROS / LIMIT);
    }
  }

  @Test
  void fixedWindowAdmitsAtMostTheLimitInEachAlignedWindowAcrossInstances() throws InterruptedException {
    Run run = hammer(new RedisSettings(), RedisFixedWindow::new);
    // a run touches at most ceil(d / window) + 1 aligned windows, limit each
    assertContended("redis-fixed-window", run, Math.ceil(run.millis / (double) WINDOW_MILLIS) + 1);
    Map<Long, Long> perWindow = new HashMap<>();
    for (long t : run.admitted) {
      perWindow.merge(Math.floorDiv(t, WINDOW_MICROS), 1L, Long::sum);
    }
    long max = perWindow.values().stream().mapToLong(Long::longValue).max().orElse(0);
    System.out.printf("redis-fixed-window: per aligned window %s (limit %d)%n", perWindow.values(), LIMIT);
    assertThat(max).isEqualTo(LIMIT);
  }
}
