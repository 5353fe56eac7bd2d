package io.strategybench.ratelimit;

import static io.strategybench.ratelimit.Limiters.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fixed window and Cloudflare's sliding-window counter, against their definitions. */
class WindowCounterTest {
  private static final long[][] SETTINGS = {{1, 10}, {4, 100}, {10, 1000}, {7, 33}, {60, 500}};

  private static List<long[]> sequences(long limit, long window, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double meanGap = (double) window / limit;
    return List.of(
        Limiters.poisson(random, 2000, meanGap * 0.4),
        Limiters.poisson(random, 2000, meanGap * 1.1),
        Limiters.bursts(random, 2000, (int) Math.min(3 * limit, 200), window));
  }

  @Test
  void fixedWindowLetsTwiceTheLimitThroughAcrossAnEdge() {
    RateLimiter fixed = Limiters.create("fixed-window", 10, 1000);
    long t0 = Long.MAX_VALUE - 2500 * MS; // windows cross the wrap of the long
    assertThat(fixed.acquire("k", t0).admitted()).isTrue(); // the first request opens window 0 at t0
    long edge = t0 + 2000 * MS; // the start of window 2
    for (int i = 0; i < 10; i++) {
      Decision d = fixed.acquire("k", edge - 1);
      assertThat(d.admitted()).isTrue();
      assertThat(d.remaining()).isEqualTo(9 - i);
      assertThat(d.resetNanos()).isEqualTo(1);
    }
    Decision full = fixed.acquire("k", edge - 1);
    assertThat(full.admitted()).isFalse();
    assertThat(full.retryAfterNanos()).isEqualTo(1);
    for (int i = 0; i < 10; i++) {
      assertThat(fixed.acquire("k", edge).admitted()).isTrue();
    }
    // 20 = 2 x limit admitted within 1 ns, and not one more
    assertThat(fixed.acquire("k", edge).admitted()).isFalse();
    assertThat(fixed.acquire("k", edge + 999 * MS).retryAfterNanos()).isEqualTo(1 * MS);
    assertThat(fixed.acquire("k", edge + 1000 * MS).admitted()).isTrue();
  }

  @Test
  void fixedWindowNeverAdmitsMoreThanTheLimitPerAlignedWindowNorTwiceItPerSlidingWindow() {
    for (long[] s : SETTINGS) {
      long limit = s[0];
      long window = s[1] * MS;
      for (long seed = 1; seed <= 3; seed++) {
        for (long[] offsets : sequences(limit, window, seed + 7 * limit)) {
          for (long base : Limiters.bases(offsets[offsets.length - 1])) {
            RateLimiter fixed = Limiters.create("fixed-window", limit, s[1]);
            List<Long> admitted = new ArrayList<>();
            Map<Long, Long> perWindow = new HashMap<>();
            for (long offset : offsets) {
              long aligned = (offset - offsets[0]) / window; // aligned to the first request
              boolean expected = perWindow.getOrDefault(aligned, 0L) < limit;
              Decision d = fixed.acquire("k", base + offset);
              assertThat(d.admitted()).isEqualTo(expected);
              if (d.admitted()) {
                admitted.add(offset);
                perWindow.merge(aligned, 1L, Long::sum);
                assertThat(d.remaining()).isEqualTo(limit - perWindow.get(aligned));
              }
              assertThat(d.resetNanos()).isEqualTo((aligned + 1) * window - (offset - offsets[0]));
            }
            assertThat(perWindow.values()).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(limit));
            assertThat(Limiters.maxInAnyWindow(admitted, window)).isLessThanOrEqualTo((int) (2 * limit));
          }
        }
      }
    }
  }

  /** The formula in exact rationals: prev x (1 - into / window) + curr + 1 <= limit. */
  private static final class CounterTwin {
    final long limit;
    final long window;
    Long first;
    final Map<Long, Long> admittedPerWindow = new HashMap<>();

    CounterTwin(long limit, long window) {
      this.limit = limit;
      this.window = window;
    }

    boolean acquire(long now) {
      if (first == null) {
        first = now;
      }
      boolean admit = wouldAdmit(now);
      if (admit) {
        admittedPerWindow.merge((now - first) / window, 1L, Long::sum);
      }
      return admit;
    }

    boolean wouldAdmit(long now) {
      long index = (now - first) / window;
      long into = (now - first) - index * window;
      long prev = admittedPerWindow.getOrDefault(index - 1, 0L);
      long curr = admittedPerWindow.getOrDefault(index, 0L);
      // estimate + 1 <= limit  <=>  prev x (window - into) + (curr + 1) x window <= limit x window
      BigInteger lhs = BigInteger.valueOf(prev).multiply(BigInteger.valueOf(window - into))
          .add(BigInteger.valueOf(curr + 1).multiply(BigInteger.valueOf(window)));
      return lhs.compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(window))) <= 0;
    }
  }

  @Test
  void slidingWindowCounterAdmitsWhatTheWeightedFormulaAdmitsAndNeverMoreThanTheLimitPerWindow() {
    for (long[] s : SETTINGS) {
      long limit = s[0];
      long window = s[1] * MS;
      for (long seed = 1; seed <= 3; seed++) {
        for (long[] offsets : sequences(limit, window, seed * 13 + limit)) {
          for (long base : Limiters.bases(offsets[offsets.length - 1])) {
            RateLimiter counter = Limiters.create("sliding-window-counter", limit, s[1]);
            CounterTwin twin = new CounterTwin(limit, window);
            int admittedCount = 0;
            for (long offset : offsets) {
              Decision d = counter.acquire("k", base + offset);
              assertThat(d.admitted()).as("limit %d window %d offset %d", limit, window, offset)
                  .isEqualTo(twin.acquire(offset));
              if (d.admitted()) {
                admittedCount++;
              } else {
                // retry-after is exact: the formula still rejects 1 ns earlier and admits then
                long retry = d.retryAfterNanos();
                assertThat(twin.wouldAdmit(offset + retry - 1)).isFalse();
                assertThat(twin.wouldAdmit(offset + retry)).isTrue();
              }
            }
            assertThat(twin.admittedPerWindow.values()).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(limit));
            assertThat(admittedCount).isPositive();
          }
        }
      }
    }
  }

  @Test
  void slidingWindowCounterWeighsThePreviousWindowByItsRemainingOverlap() {
    // Cloudflare's example shape: limit 10 per second, 10 in the previous window.
    RateLimiter counter = Limiters.create("sliding-window-counter", 10, 1000);
    long t0 = -77;
    for (int i = 0; i < 10; i++) {
      assertThat(counter.acquire("k", t0).admitted()).isTrue();
    }
    assertThat(counter.acquire("k", t0 + 999 * MS).admitted()).isFalse();
    // 250 ms into the next window the estimate is 10 x 0.75 = 7.5: two more fit (7.5 + 1 <= 10, 8.5 + 1 <= 10)
    long at = t0 + 1250 * MS;
    assertThat(counter.acquire("k", at).admitted()).isTrue();
    assertThat(counter.acquire("k", at).admitted()).isTrue();
    Decision third = counter.acquire("k", at);
    assertThat(third.admitted()).isFalse();
    // 10 x (1 - x) + 2 + 1 <= 10 needs x >= 0.3: 50 ms later
    assertThat(third.retryAfterNanos()).isEqualTo(50 * MS);
    assertThat(counter.acquire("k", at + 50 * MS - 1).admitted()).isFalse();
    assertThat(counter.acquire("k", at + 50 * MS).admitted()).isTrue();
  }
}
