package io.strategybench.ratelimit;

import static io.strategybench.ratelimit.Limiters.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sliding log is the exact sliding window: checked by a brute-force count and a naive twin. */
class SlidingLogTest {
  /** The definition, written naively: every admitted time kept, counted afresh at each request. */
  private static final class Twin {
    final long limit;
    final long window;
    final List<Long> admitted = new ArrayList<>();

    Twin(long limit, long window) {
      this.limit = limit;
      this.window = window;
    }

    /** Admitted, or -(retry after) when rejected. */
    long acquire(long now) {
      List<Long> inWindow = admitted.stream().filter(t -> now - t < window).toList();
      if (inWindow.size() < limit) {
        admitted.add(now);
        return 0;
      }
      long oldest = inWindow.stream().mapToLong(Long::longValue).min().orElseThrow();
      return -(oldest + window - now);
    }
  }

  private static long[][] sequences(long limit, long window, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double meanGap = (double) window / limit;
    return new long[][] {
        Limiters.poisson(random, 1500, meanGap * 0.5), // twice the rate: many rejections
        Limiters.poisson(random, 1500, meanGap * 1.2),
        Limiters.bursts(random, 1500, (int) Math.min(3 * limit, 200), window / 2),
    };
  }

  @Test
  void neverAdmitsMoreThanTheLimitInAnyWindowAndMatchesTheNaiveTwinRequestByRequest() {
    long[][] settings = {{1, 10}, {3, 100}, {10, 1000}, {7, 33}, {50, 250}};
    int checked = 0;
    for (long[] s : settings) {
      long limit = s[0];
      long window = s[1] * MS;
      for (long seed = 1; seed <= 3; seed++) {
        for (long[] offsets : sequences(limit, window, seed * 31 + limit)) {
          for (long base : Limiters.bases(offsets[offsets.length - 1])) {
            RateLimiter log = Limiters.create("sliding-log", limit, s[1]);
            Twin twin = new Twin(limit, window);
            List<Long> admitted = new ArrayList<>();
            for (long offset : offsets) {
              Decision d = log.acquire("k", base + offset);
              long expected = twin.acquire(offset);
              assertThat(d.admitted()).as("limit %d window %d at offset %d", limit, window, offset)
                  .isEqualTo(expected == 0);
              if (d.admitted()) {
                admitted.add(offset);
              } else {
                assertThat(d.retryAfterNanos()).isEqualTo(-expected);
              }
              checked++;
            }
            assertThat(Limiters.maxInAnyWindow(admitted, window)).isLessThanOrEqualTo((int) limit);
            // and it is not trivially strict: at twice the rate some window is full
            assertThat(admitted).isNotEmpty();
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(200_000);
  }

  @Test
  void aFullWindowAdmitsAgainExactlyWhenTheOldestAdmissionLeavesIt() {
    RateLimiter log = Limiters.create("sliding-log", 3, 1000);
    long t0 = -5 * MS;
    assertThat(log.acquire("k", t0).remaining()).isEqualTo(2);
    assertThat(log.acquire("k", t0 + 400 * MS).admitted()).isTrue();
    assertThat(log.acquire("k", t0 + 600 * MS).remaining()).isZero();
    Decision rejected = log.acquire("k", t0 + 700 * MS);
    assertThat(rejected.admitted()).isFalse();
    assertThat(rejected.retryAfterNanos()).isEqualTo(300 * MS); // t0 leaves the window at t0 + 1000 ms
    assertThat(log.acquire("k", t0 + 1000 * MS - 1).admitted()).isFalse();
    assertThat(log.acquire("k", t0 + 1000 * MS).admitted()).isTrue();
    assertThat(log.acquire("k", t0 + 1399 * MS).admitted()).isFalse();
    assertThat(log.acquire("k", t0 + 1400 * MS).admitted()).isTrue();
  }

  @Test
  void aLargeLimitGrowsTheLogBeyondItsInitialCapacity() {
    RateLimiter log = Limiters.create("sliding-log", 1000, 1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(log.acquire("k", i * 1000L).admitted()).isTrue();
    }
    assertThat(log.acquire("k", 999 * MS).admitted()).isFalse();
    // the first admission (at 0) leaves the window at 1000 ms: exactly one more fits
    assertThat(log.acquire("k", 1000 * MS).admitted()).isTrue();
    assertThat(log.acquire("k", 1000 * MS).admitted()).isFalse();
  }
}
