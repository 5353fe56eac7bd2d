package io.strategybench.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.ratelimit.Decision;
import io.strategybench.ratelimit.RateLimiter;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each Redis limiter, on the caller's (virtual) clock, answers exactly what a brute-force Java model of the
 * same algorithm answers, arrival by arrival, on bursty random sequences over several keys; redis-gcra
 * answers redis-cell's README example.
 */
class RedisTwinTest {
  private static final long LIMIT = 5;
  private static final long WINDOW_MILLIS = 1000;
  private static final long WINDOW = WINDOW_MILLIS * 1000; // microseconds
  private static final String[] KEYS = {"alice", "bob", "carol"};

  static RedisServerProcess redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.launch();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  /** A model of one algorithm: {admitted ? 1 : 0, remaining} for an arrival of key at now (microseconds). */
  interface Model {
    long[] decide(String key, long now);
  }

  static final class FixedWindowModel implements Model {
    final Map<String, Long> counts = new HashMap<>();

    public long[] decide(String key, long now) {
      String k = key + ":" + Math.floorDiv(now, WINDOW);
      long count = counts.getOrDefault(k, 0L);
      if (count >= LIMIT) {
        return new long[] {0, 0};
      }
      counts.put(k, count + 1);
      return new long[] {1, LIMIT - count - 1};
    }
  }

  /** Admit iff fewer than limit were admitted in (now - window, now]. */
  static final class SlidingLogModel implements Model {
    final Map<String, ArrayDeque<Long>> logs = new HashMap<>();

    public long[] decide(String key, long now) {
      ArrayDeque<Long> log = logs.computeIfAbsent(key, k -> new ArrayDeque<>());
      long inWindow = log.stream().filter(t -> t > now - WINDOW && t <= now).count();
      if (inWindow >= LIMIT) {
        return new long[] {0, 0};
      }
      log.add(now);
      return new long[] {1, LIMIT - inWindow - 1};
    }
  }

  static final class SlidingCounterModel implements Model {
    final Map<String, Long> counts = new HashMap<>();

    public long[] decide(String key, long now) {
      long win = Math.floorDiv(now, WINDOW);
      long elapsed = now - win * WINDOW;
      long curr = counts.getOrDefault(key + ":" + win, 0L);
      long prev = counts.getOrDefault(key + ":" + (win - 1), 0L);
      double estimate = (double) prev * (double) (WINDOW - elapsed) / (double) WINDOW + (double) curr;
      if (estimate + 1 > LIMIT) {
        return new long[] {0, 0};
      }
      counts.put(key + ":" + win, curr + 1);
      return new long[] {1, (long) Math.floor(LIMIT - (estimate + 1))};
    }
  }

  /** Capacity limit, refill limit per window, in exact integer units of 1/window of a token. */
  static final class TokenBucketModel implements Model {
    final Map<String, long[]> buckets = new HashMap<>();

    public long[] decide(String key, long now) {
      long capacity = LIMIT * WINDOW;
      long[] b = buckets.computeIfAbsent(key, k -> new long[] {capacity, now});
      if (now > b[1]) {
        b[0] = Math.min(capacity, b[0] + (now - b[1]) * LIMIT);
        b[1] = now;
      }
      if (b[0] < WINDOW) {
        return new long[] {0, 0};
      }
      b[0] -= WINDOW;
      return new long[] {1, b[0] / WINDOW};
    }
  }

  /** redis-cell's rate_limit with quantity 1: {admitted, remaining, retry, reset} in microseconds. */
  static final class GcraModel implements Model {
    final long t;
    final long burst;
    final Map<String, Long> tats = new HashMap<>();

    GcraModel(long emissionInterval, long burst) {
      this.t = emissionInterval;
      this.burst = burst;
    }

    public long[] decide(String key, long now) {
      long dvt = t * (burst + 1);
      long tat = tats.getOrDefault(key, now);
      long newTat = Math.max(tat, now) + t;
      long diff = now - (newTat - dvt);
      long ttl;
      long retry = 0;
      boolean limited = diff < 0;
      if (limited) {
        retry = -diff;
        ttl = tat - now;
      } else {
        ttl = newTat - now;
        tats.put(key, newTat);
      }
      long next = dvt - ttl;
      long remaining = next > 0 ? next / t : 0;
      return new long[] {limited ? 0 : 1, remaining, retry, ttl};
    }
  }

  private static Model model(String name) {
    return switch (name) {
      case "redis-fixed-window" -> new FixedWindowModel();
      case "redis-sliding-log" -> new SlidingLogModel();
      case "redis-sliding-window-counter" -> new SlidingCounterModel();
      case "redis-token-bucket" -> new TokenBucketModel();
      case "redis-gcra" -> new GcraModel(WINDOW / LIMIT, LIMIT - 1);
      default -> throw new IllegalArgumentException(name);
    };
  }

  @Test
  void everyLimiterAnswersLikeItsJavaModelOnRandomArrivals() {
    for (String name : RedisTesting.NAMES) {
      for (long seed = 1; seed <= 3; seed++) {
        Model model = model(name);
        SplittableRandom random = new SplittableRandom(seed * 7919 + name.hashCode());
        int admitted = 0;
        int rejected = 0;
        try (RedisRateLimiter limiter = RedisTesting.create(name, redis, Map.of("time", "caller",
            "limit", Long.toString(LIMIT), "window-millis", Long.toString(WINDOW_MILLIS),
            "key-prefix", "twin:" + seed + ":"))) {
          long nowNanos = 5_000_000_000_000L + random.nextLong(1_000_000_000L);
          for (int i = 0; i < 800; i++) {
            double shape = random.nextDouble();
            long gapNanos = shape < 0.1 ? 0 : shape < 0.75 ? random.nextLong(30_000_000L)
                : random.nextLong(1_500_000_000L);
            nowNanos += gapNanos;
            String key = KEYS[random.nextInt(KEYS.length)];
            long[] expected = model.decide(key, Math.floorDiv(nowNanos, 1000L));
            Decision actual = limiter.acquire(key, nowNanos);
            String where = name + " seed " + seed + " arrival " + i + " key " + key + " at " + nowNanos + " ns";
            assertThat(actual.admitted()).as(where).isEqualTo(expected[0] == 1);
            assertThat(actual.remaining()).as(where + " remaining").isEqualTo(expected[1]);
            if (expected.length > 2) {
              assertThat(actual.retryAfterNanos()).as(where + " retry-after").isEqualTo(expected[2] * 1000);
              assertThat(actual.resetNanos()).as(where + " reset").isEqualTo(expected[3] * 1000);
            }
            if (actual.admitted()) {
              admitted++;
            } else {
              rejected++;
            }
          }
          assertThat(limiter.stats()).containsEntry("redisErrors", 0L);
        }
        assertThat(admitted).as(name + " admits some").isGreaterThan(100);
        assertThat(rejected).as(name + " rejects some").isGreaterThan(20);
      }
    }
  }

  @Test
  void gcraAnswersTheRedisCellReadmeExample() {
    // CL.THROTTLE user123 15 30 60 1 on a fresh key -> 0, 16, 15, -1, 2
    for (String time : List.of("caller", "redis")) {
      try (RedisRateLimiter gcra = RedisTesting.create("redis-gcra", redis, Map.of("time", time,
          "limit", "30", "window-millis", "60000", "burst", "15", "key-prefix", "readme:" + time + ":"))) {
        Decision first = gcra.acquire("user123", 42_000_000_000L);
        assertThat(first).isEqualTo(new Decision(true, 16, 15, 0, 2_000_000_000L, 0));
        // The burst of 16 is spent at once; the 17th waits one emission interval (2 s), minus the time passed.
        for (int i = 0; i < 15; i++) {
          assertThat(gcra.acquire("user123", 42_000_000_000L).admitted()).isTrue();
        }
        Decision seventeenth = gcra.acquire("user123", 42_000_000_000L);
        assertThat(seventeenth.admitted()).isFalse();
        assertThat(seventeenth.limit()).isEqualTo(16);
        assertThat(seventeenth.retryAfterNanos()).isBetween(1_900_000_000L, 2_000_000_000L);
      }
    }
  }

  @Test
  void instancesOnOneUriShareAConnectionThatOutlivesAllButTheLast() {
    // The caller's clock stands still at 0, so no token comes back between the calls, however slow they are; the
    // key's Redis TTL is real time, from the window: an hour, so a slow machine cannot expire it between the calls
    // (with the default 1 s window it did once, the second call finding a fresh bucket: 999, not 998)
    Map<String, String> params = Map.of("limit", "1000", "window-millis", "3600000", "key-prefix", "share:", "time",
        "caller");
    RateLimiter first = RedisTesting.create("redis-token-bucket", redis, params);
    RateLimiter second = RedisTesting.create("redis-token-bucket", redis, params);
    assertThat(first.acquire("k", 0).remaining()).isEqualTo(999);
    first.close();
    assertThat(second.acquire("k", 0).remaining()).isEqualTo(998);
    assertThat(second.stats()).containsEntry("redisErrors", 0L);
    second.close();
    RateLimiter third = RedisTesting.create("redis-token-bucket", redis, params);
    assertThat(third.acquire("k", 0).admitted()).isTrue();
    assertThat(third.stats()).containsEntry("redisErrors", 0L);
    third.close();
  }
}
