package io.strategybench.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-flight limiters under real threads, and their limits under a simulated backend. */
class ConcurrencyLimitTest {
  private static final int THREADS = 8;
  private static final int OPS = 20_000;

  /**
   * Threads admit, hold and release on one key. An independent counter, raised after admission and lowered
   * before release, must never exceed the limit; once everything is released, the whole limit is free again.
   * Each thread's first admission is held until every thread has tried once, so with more threads than the
   * limit the limit is contended however the scheduler runs them (two cores let few threads overlap).
   */
  private static void assertNeverExceedsAndNeverLeaks(RateLimiter limiter, long limit) throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicLong admitted = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CyclicBarrier start = new CyclicBarrier(THREADS);
    CyclicBarrier firstTried = new CyclicBarrier(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < OPS; i++) {
            Decision d = limiter.acquire("shared", i);
            if (!d.admitted()) {
              rejected.incrementAndGet();
              if (i == 0) {
                firstTried.await();
              }
              Thread.onSpinWait();
              continue;
            }
            admitted.incrementAndGet();
            int now = inside.incrementAndGet();
            maxInside.accumulateAndGet(now, Math::max);
            if (i == 0) {
              firstTried.await();
            }
            for (int spin = 0; spin < (i & 31); spin++) {
              Thread.onSpinWait();
            }
            inside.decrementAndGet();
            limiter.release("shared", i, 1_000, false);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(maxInside.get()).isLessThanOrEqualTo((int) limit);
    assertThat(admitted.get() + rejected.get()).isEqualTo((long) THREADS * OPS);
    assertThat(rejected.get()).as("the limit was actually contended").isGreaterThanOrEqualTo(THREADS - limit);
    for (int i = 0; i < limit; i++) {
      assertThat(limiter.acquire("shared", 0).admitted()).as("slot %d after all releases", i).isTrue();
    }
    assertThat(limiter.acquire("shared", 0).admitted()).isFalse();
  }

  @Test
  void concurrencyLimitNeverExceedsTheLimitAndLeaksNoSlotUnderEightThreads() throws Exception {
    RateLimiter limiter = Limiters.create("concurrency", 3, 1000);
    assertThat(limiter.needsRelease()).isTrue();
    assertNeverExceedsAndNeverLeaks(limiter, 3);
  }

  @Test
  void adaptiveLimitersNeverExceedTheirInitialLimitWhenItCannotGrowAndLeakNoSlot() throws Exception {
    // max-limit = limit pins the limit, so the invariant is exact under threads
    assertNeverExceedsAndNeverLeaks(Limiters.create("aimd",
        Map.of("limit", "4", "min-limit", "4", "max-limit", "4")), 4);
    assertNeverExceedsAndNeverLeaks(Limiters.create("gradient",
        Map.of("limit", "4", "min-limit", "4", "max-limit", "4")), 4);
  }

  @Test
  void aReleaseWithoutAnAdmissionDoesNotCreateASlot() {
    RateLimiter limiter = Limiters.create("concurrency", 2, 1000);
    limiter.release("k", 0, 0, false);
    assertThat(limiter.acquire("k", 0).admitted()).isTrue();
    assertThat(limiter.acquire("k", 0).remaining()).isZero();
    limiter.release("k", 0, 0, false);
    limiter.release("k", 0, 0, false);
    limiter.release("k", 0, 0, false); // one too many
    assertThat(limiter.acquire("k", 0).admitted()).isTrue();
    assertThat(limiter.acquire("k", 0).admitted()).isTrue();
    assertThat(limiter.acquire("k", 0).admitted()).isFalse();
  }
}
