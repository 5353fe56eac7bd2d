package io.strategybench.ratelimit;

import static io.strategybench.ratelimit.Limiters.MS;
import static io.strategybench.ratelimit.Limiters.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GCRA against redis-cell's documented {@code CL.THROTTLE} example and its definition, and the leaky bucket
 * as a queue against nginx's documented {@code limit_req} behaviour.
 */
class DocumentedFiguresTest {
  private static RateLimiter gcra(long limit, long windowMillis, long burst) {
    return Limiters.create("gcra", Map.of("limit", Long.toString(limit), "window-millis",
        Long.toString(windowMillis), "burst", Long.toString(burst)));
  }

  private static void assertDecision(Decision d, boolean admitted, long limit, long remaining, long retryAfter,
      long reset) {
    assertThat(d.admitted()).as("admitted").isEqualTo(admitted);
    assertThat(d.limit()).as("limit").isEqualTo(limit);
    assertThat(d.remaining()).as("remaining").isEqualTo(remaining);
    assertThat(d.retryAfterNanos()).as("retry after").isEqualTo(retryAfter);
    assertThat(d.resetNanos()).as("reset after").isEqualTo(reset);
  }

  /**
   * redis-cell README: {@code CL.THROTTLE user123 15 30 60 1} (max_burst 15, 30 per 60 s) on a fresh key
   * answers limited 0, limit 16, remaining 15, retry_after -1, reset_after 2.
   *
   * <p>By hand from rate_limit in src/cell/mod.rs: T = 60 s / 30 = 2 s, DVT = T x (15 + 1) = 32 s. The k-th
   * request at t0 (tat starts at t0, so before it tat = t0 + 2(k - 1)): new_tat = t0 + 2k, allow_at = t0 + 2k -
   * 32, diff = 32 - 2k, admitted iff k <= 16; ttl = 2k, remaining = (32 - 2k) / 2 = 16 - k. The 17th: new_tat =
   * t0 + 34, diff = -2 s: limited, retry_after 2 s, ttl = tat - now = 32 s, remaining: next = 0 > -T, 0 / 2 = 0.
   * At t0 + 2 s: tat = t0 + 32, new_tat = t0 + 34, allow_at = t0 + 2, diff = 0: admitted, ttl 32 s, remaining
   * 0; a second one then: diff = -2 s, limited, retry 2 s, reset 32 s. At t0 + 7 s: new_tat = t0 + 36,
   * allow_at = t0 + 4, diff = 3 s: admitted, ttl = 29 s, remaining = trunc(3 / 2) = 1. Again at t0 + 7 s:
   * new_tat = t0 + 38, diff = 1 s: admitted, ttl 31 s, remaining = trunc(1 / 2) = 0. Again: new_tat = t0 + 40,
   * allow_at = t0 + 8, diff = -1 s: limited, retry 1 s, reset = tat - now = 31 s.
   */
  @Test
  void gcraAnswersRedisCellsDocumentedThrottleAndAScriptDerivedFromItsDefinition() {
    RateLimiter gcra = gcra(30, 60_000, 15);
    long t0 = -1_000 * SECOND;
    assertDecision(gcra.acquire("user123", t0), true, 16, 15, 0, 2 * SECOND);
    for (int k = 2; k <= 16; k++) {
      assertDecision(gcra.acquire("user123", t0), true, 16, 16 - k, 0, 2L * k * SECOND);
    }
    assertDecision(gcra.acquire("user123", t0), false, 16, 0, 2 * SECOND, 32 * SECOND);
    assertDecision(gcra.acquire("user123", t0 + 2 * SECOND), true, 16, 0, 0, 32 * SECOND);
    assertDecision(gcra.acquire("user123", t0 + 2 * SECOND), false, 16, 0, 2 * SECOND, 32 * SECOND);
    assertDecision(gcra.acquire("user123", t0 + 7 * SECOND), true, 16, 1, 0, 29 * SECOND);
    assertDecision(gcra.acquire("user123", t0 + 7 * SECOND), true, 16, 0, 0, 31 * SECOND);
    assertDecision(gcra.acquire("user123", t0 + 7 * SECOND), false, 16, 0, 1 * SECOND, 31 * SECOND);
  }

  /** burst -1 means limit - 1: T = 100 ms, DVT = 10 x T, so ten go at once and the eleventh waits one T. */
  @Test
  void gcraByDefaultLetsAWholeLimitGoAtOnce() {
    RateLimiter gcra = Limiters.create("gcra", 10, 1000);
    for (int i = 0; i < 10; i++) {
      assertThat(gcra.acquire("k", 5).admitted()).isTrue();
    }
    Decision limited = gcra.acquire("k", 5);
    assertDecision(limited, false, 10, 0, 100 * MS, 1000 * MS);
    assertThat(gcra.acquire("k", 5 + 100 * MS).admitted()).isTrue();
  }

  private static RateLimiter nginx(long rate, long windowMillis, long burst, boolean nodelay) {
    return Limiters.create("leaky-bucket-queue", Map.of("limit", Long.toString(rate), "window-millis",
        Long.toString(windowMillis), "burst", Long.toString(burst), "nodelay", Boolean.toString(nodelay)));
  }

  /**
   * nginx docs (limit_req, rate=1r/s burst=5): excess requests are delayed so that they go at the rate; those
   * beyond the burst are rejected. Ten at once: one goes at once, five wait 1..5 s, four are rejected.
   */
  @Test
  void nginxQueueDelaysTheBurstAtTheRateAndRejectsBeyondIt() {
    RateLimiter queue = nginx(1, 1000, 5, false);
    List<Long> delays = new ArrayList<>();
    int rejected = 0;
    for (int i = 0; i < 10; i++) {
      Decision d = queue.acquire("client", 42);
      if (d.admitted()) {
        delays.add(d.delayNanos());
      } else {
        rejected++;
      }
    }
    assertThat(delays).containsExactly(0L, 1 * SECOND, 2 * SECOND, 3 * SECOND, 4 * SECOND, 5 * SECOND);
    assertThat(rejected).isEqualTo(4);
  }

  /** With nodelay: six at once with no delay, four rejected; the burst slot comes back one per second. */
  @Test
  void nginxNodelayAdmitsTheBurstAtOnceAndRefillsItAtTheRate() {
    RateLimiter queue = nginx(1, 1000, 5, true);
    long t0 = Long.MAX_VALUE - 300 * MS; // nginx's milliseconds cross the wrap of the long
    int admitted = 0;
    for (int i = 0; i < 10; i++) {
      Decision d = queue.acquire("client", t0);
      if (d.admitted()) {
        assertThat(d.delayNanos()).isZero();
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(6);
    // excess 5000 - 1000 x 500 / 1000 + 1000 = 5500 > 5000
    Decision half = queue.acquire("client", t0 + 500 * MS);
    assertThat(half.admitted()).isFalse();
    assertThat(half.retryAfterNanos()).isEqualTo(500 * MS);
    // a rejected request changes nothing: a second after the burst, 5000 - 1000 + 1000 = 5000 fits
    Decision second = queue.acquire("client", t0 + 1000 * MS);
    assertThat(second.admitted()).isTrue();
    assertThat(second.delayNanos()).isZero();
    assertThat(queue.acquire("client", t0 + 1000 * MS).admitted()).isFalse();
  }

  /** nginx docs: rate=10r/s means no more than one request per 100 ms; with burst 0 closer ones are rejected. */
  @Test
  void nginxTenPerSecondWithoutBurstRejectsRequestsCloserThanAHundredMilliseconds() {
    RateLimiter queue = nginx(10, 1000, 0, false);
    long t = -7 * SECOND;
    assertThat(queue.acquire("c", t).admitted()).isTrue();
    assertThat(queue.acquire("c", t + 50 * MS).admitted()).isFalse();
    assertThat(queue.acquire("c", t + 99 * MS).admitted()).isFalse();
    Decision at100 = queue.acquire("c", t + 100 * MS);
    assertThat(at100.admitted()).isTrue();
    assertThat(at100.delayNanos()).isZero();
    for (int i = 2; i < 50; i++) {
      assertThat(queue.acquire("c", t + i * 100 * MS - 1 * MS).admitted()).isFalse();
      assertThat(queue.acquire("c", t + i * 100 * MS).admitted()).isTrue();
    }
  }

  /**
   * nginx's two-stage limiting (delay=N, docs example rate=5r/s burst=12 delay=8): the first 8 excess
   * requests go without delay, the rest of the burst is delayed by (excess - 8) x 1000 / rate ms.
   */
  @Test
  void nginxDelayParameterLetsTheFirstExcessRequestsThroughUndelayed() {
    RateLimiter queue = Limiters.create("leaky-bucket-queue", Map.of("limit", "5", "burst", "12", "delay", "8"));
    List<Long> delays = new ArrayList<>();
    int rejected = 0;
    for (int i = 0; i < 20; i++) {
      Decision d = queue.acquire("c", 0);
      if (d.admitted()) {
        delays.add(d.delayNanos() / MS);
      } else {
        rejected++;
      }
    }
    // excess 0 (the first), 1..8 undelayed, 9..12 delayed (1..4) x 1000 / 5 = 200..800 ms
    assertThat(delays).containsExactly(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 200L, 400L, 600L, 800L);
    assertThat(rejected).isEqualTo(7);
  }

  /** nginx works in whole milliseconds: at 10r/s, 99.9 ms after (the same millisecond tick count) is rejected. */
  @Test
  void nginxCountsWholeMilliseconds() {
    RateLimiter queue = nginx(10, 1000, 0, false);
    assertThat(queue.acquire("c", 0).admitted()).isTrue();
    assertThat(queue.acquire("c", 100 * MS - 1).admitted()).isFalse(); // tick 99
    assertThat(queue.acquire("c", 100 * MS).admitted()).isTrue(); // tick 100
    // a per-minute rate truncates as nginx's does: 1r/m is 16 thousandths per second, so 62.5 s per request
    RateLimiter perMinute = nginx(1, 60_000, 0, false);
    assertThat(perMinute.acquire("c", 0).admitted()).isTrue();
    assertThat(perMinute.acquire("c", 62_499 * MS).admitted()).isFalse(); // 16 x 62499 / 1000 = 999
    assertThat(perMinute.acquire("c", 62_500 * MS).admitted()).isTrue(); // 16 x 62500 / 1000 = 1000
  }
}
