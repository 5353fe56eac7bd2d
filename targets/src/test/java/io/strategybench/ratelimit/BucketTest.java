package io.strategybench.ratelimit;

import static io.strategybench.ratelimit.Limiters.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Token bucket, leaky bucket as a meter and GCRA against counting twins and the burst + rate x t bound. */
class BucketTest {
  /**
   * A token bucket written the textbook way: a token count refilled with the elapsed time. Counted in
   * nanoseconds of refill ({@code tokens x T}) so that it is exact in integers.
   */
  static final class TokenTwin {
    final long interval;
    final long capacity;
    long tokens;
    long last;
    boolean started;

    TokenTwin(long interval, long capacityTokens) {
      this.interval = interval;
      this.capacity = capacityTokens * interval;
      this.tokens = capacity;
    }

    /** Whole tokens left after an admission, or -(nanoseconds until one token) when rejected. */
    long acquire(long now) {
      if (started) {
        tokens = Math.min(capacity, tokens + (now - last));
      }
      started = true;
      last = now;
      if (tokens >= interval) {
        tokens -= interval;
        return tokens / interval;
      }
      return -(interval - tokens);
    }
  }

  /** A leaky bucket meter written as virtual time: when the bucket would be empty. */
  static final class VirtualTimeTwin {
    final long interval;
    final long capacity;
    Long emptyAt;

    VirtualTimeTwin(long interval, long capacityUnits) {
      this.interval = interval;
      this.capacity = capacityUnits * interval;
    }

    boolean acquire(long now) {
      long level = emptyAt == null ? 0 : Math.max(0, emptyAt - now);
      if (level + interval <= capacity) {
        emptyAt = now + level + interval;
        return true;
      }
      return false;
    }
  }

  private static final long[][] SETTINGS = {{1, 10}, {4, 100}, {10, 1000}, {7, 1000}, {3, 100}, {60, 500}};

  private static List<long[]> sequences(long limit, long window, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double meanGap = (double) window / limit;
    return List.of(
        Limiters.poisson(random, 1500, meanGap * 0.4),
        Limiters.poisson(random, 1500, meanGap * 1.1),
        Limiters.bursts(random, 1500, (int) Math.min(3 * limit, 200), window));
  }

  /** At most {@code burst + rate x t} admissions in every closed interval [a, b] between two admissions. */
  static void assertBurstPlusRateBound(List<Long> admitted, long burst, long limit, long window) {
    for (int i = 0; i < admitted.size(); i++) {
      for (int j = i; j < admitted.size(); j++) {
        long count = j - i + 1;
        long t = admitted.get(j) - admitted.get(i);
        // count <= burst + t x limit / window, in integers
        if ((count - burst) * window > t * limit) {
          throw new AssertionError(count + " admitted in " + t + " ns, more than " + burst + " + " + limit
              + " per " + window + " ns allows");
        }
      }
    }
  }

  @Test
  void tokenBucketAdmitsWhatACountingTwinAdmitsAndNeverMoreThanCapacityPlusRateTimesT() {
    for (long[] s : SETTINGS) {
      long limit = s[0];
      long window = s[1] * MS;
      long interval = (window + limit - 1) / limit; // one token per ceil(window / limit) ns
      for (long seed = 1; seed <= 3; seed++) {
        for (long[] offsets : sequences(limit, window, seed * 5 + limit)) {
          boolean first = true;
          for (long base : Limiters.bases(offsets[offsets.length - 1])) {
            RateLimiter bucket = Limiters.create("token-bucket", limit, s[1]);
            TokenTwin twin = new TokenTwin(interval, limit);
            List<Long> admitted = new ArrayList<>();
            for (long offset : offsets) {
              Decision d = bucket.acquire("k", base + offset);
              long expected = twin.acquire(offset);
              assertThat(d.admitted()).as("limit %d window %d offset %d", limit, window, offset)
                  .isEqualTo(expected >= 0);
              if (d.admitted()) {
                assertThat(d.remaining()).isEqualTo(expected);
                admitted.add(offset);
              } else {
                assertThat(d.retryAfterNanos()).isEqualTo(-expected);
              }
            }
            if (first) {
              assertBurstPlusRateBound(admitted, limit, limit, window);
              first = false;
            }
          }
        }
      }
    }
  }

  @Test
  void tokenBucketTakesAFullBurstThenRefillsAtTheRate() {
    RateLimiter bucket = Limiters.create("token-bucket", 10, 1000);
    long t0 = Long.MIN_VALUE + 3;
    for (int i = 0; i < 10; i++) {
      Decision d = bucket.acquire("k", t0);
      assertThat(d.admitted()).isTrue();
      assertThat(d.remaining()).isEqualTo(9 - i);
    }
    Decision empty = bucket.acquire("k", t0);
    assertThat(empty.admitted()).isFalse();
    assertThat(empty.retryAfterNanos()).isEqualTo(100 * MS); // one token per 100 ms
    assertThat(empty.resetNanos()).isEqualTo(1000 * MS);
    assertThat(bucket.acquire("k", t0 + 100 * MS - 1).admitted()).isFalse();
    assertThat(bucket.acquire("k", t0 + 100 * MS).admitted()).isTrue();
    assertThat(bucket.acquire("k", t0 + 100 * MS).admitted()).isFalse();
    // a long idle time fills the bucket to its capacity, not beyond
    long later = t0 + 100_000 * MS;
    for (int i = 0; i < 10; i++) {
      assertThat(bucket.acquire("k", later).admitted()).isTrue();
    }
    assertThat(bucket.acquire("k", later).admitted()).isFalse();
  }

  @Test
  void leakyBucketMeterAdmitsWhatAVirtualTimeTwinAndTheTokenBucketAdmit() {
    for (long[] s : SETTINGS) {
      long limit = s[0];
      long window = s[1] * MS;
      long interval = (window + limit - 1) / limit;
      for (long seed = 1; seed <= 3; seed++) {
        for (long[] offsets : sequences(limit, window, seed * 11 + limit)) {
          boolean first = true;
          for (long base : Limiters.bases(offsets[offsets.length - 1])) {
            RateLimiter meter = Limiters.create("leaky-bucket", limit, s[1]);
            RateLimiter bucket = Limiters.create("token-bucket", limit, s[1]);
            VirtualTimeTwin twin = new VirtualTimeTwin(interval, limit);
            List<Long> admitted = new ArrayList<>();
            for (long offset : offsets) {
              Decision d = meter.acquire("k", base + offset);
              assertThat(d.admitted()).as("limit %d window %d offset %d", limit, window, offset)
                  .isEqualTo(twin.acquire(offset));
              Decision fromBucket = bucket.acquire("k", base + offset);
              assertThat(d.admitted()).isEqualTo(fromBucket.admitted()); // the meter is the token bucket's mirror
              assertThat(d.remaining()).isEqualTo(fromBucket.remaining());
              assertThat(d.retryAfterNanos()).isEqualTo(fromBucket.retryAfterNanos());
              if (d.admitted()) {
                admitted.add(offset);
              }
            }
            if (first) {
              assertBurstPlusRateBound(admitted, limit, limit, window);
              first = false;
            }
          }
        }
      }
    }
  }

  @Test
  void leakyBucketMeterFillsToItsCapacityAndLeaksAtTheRate() {
    RateLimiter meter = Limiters.create("leaky-bucket", 4, 1000); // leaks one unit per 250 ms
    for (int i = 0; i < 4; i++) {
      assertThat(meter.acquire("k", 0).admitted()).isTrue();
    }
    Decision full = meter.acquire("k", 0);
    assertThat(full.admitted()).isFalse();
    assertThat(full.retryAfterNanos()).isEqualTo(250 * MS);
    assertThat(meter.acquire("k", 249 * MS).admitted()).isFalse();
    assertThat(meter.acquire("k", 250 * MS).admitted()).isTrue();
    // full again at 250 ms (3 left after the leak, + 1); a second later all 4 have leaked: 1 in, 3 more fit
    assertThat(meter.acquire("k", 1250 * MS).remaining()).isEqualTo(3);
  }

  @Test
  void gcraNeverAdmitsMoreThanBurstPlusOnePlusRateTimesTAndMatchesATokenTwin() {
    long[][] settings = {{1, 10, 0}, {4, 100, 1}, {10, 1000, -1}, {10, 1000, 3}, {7, 1000, 20}, {60, 500, 5}};
    for (long[] s : settings) {
      long limit = s[0];
      long window = s[1] * MS;
      long burst = s[2] == -1 ? limit - 1 : s[2];
      // redis-cell: emission interval = (period_ns as f64 / count as f64) as i64; DVT = T x (max_burst + 1)
      long interval = (long) (window / (double) limit);
      for (long seed = 1; seed <= 3; seed++) {
        for (long[] offsets : sequences(limit, window, seed * 3 + limit)) {
          boolean first = true;
          for (long base : Limiters.bases(offsets[offsets.length - 1])) {
            RateLimiter gcra = Limiters.create("gcra", Map.of("limit", Long.toString(limit),
                "window-millis", Long.toString(s[1]), "burst", Long.toString(s[2])));
            TokenTwin twin = new TokenTwin(interval, burst + 1);
            List<Long> admitted = new ArrayList<>();
            for (long offset : offsets) {
              Decision d = gcra.acquire("k", base + offset);
              long expected = twin.acquire(offset);
              assertThat(d.admitted()).isEqualTo(expected >= 0);
              assertThat(d.limit()).isEqualTo(burst + 1);
              if (d.admitted()) {
                admitted.add(offset);
              } else {
                assertThat(d.retryAfterNanos()).isEqualTo(-expected);
              }
            }
            if (first) {
              // the rate is limit per window with T truncated, i.e. one per T ns: bound with window = limit x T
              assertBurstPlusRateBound(admitted, burst + 1, limit, limit * interval);
              first = false;
            }
          }
        }
      }
    }
  }
}
