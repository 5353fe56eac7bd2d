package io.strategybench.ratelimit;

import static io.strategybench.ratelimit.Limiters.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** AIMD and gradient limits: their update rules, and their behaviour against a simulated backend. */
class AdaptiveLimitTest {
  /** Single-threaded virtual-time driver: offers requests, completes them after a latency, checks invariants. */
  private static final class Simulation {
    final RateLimiter limiter;
    final LongFunction limitOf;
    final long min;
    final long max;
    final PriorityQueue<long[]> running = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    long now = Long.MAX_VALUE - 10_000 * MS; // virtual time crosses the wrap of the long
    long inflight;
    long admitted;

    interface LongFunction {
      long limit();
    }

    Simulation(RateLimiter limiter, LongFunction limitOf, long min, long max) {
      this.limiter = limiter;
      this.limitOf = limitOf;
      this.min = min;
      this.max = max;
    }

    /**
     * Runs for {@code duration}: every 0.1 ms, {@code perStep} requests are offered; an admitted one takes
     * {@code latency(inflight)} and is dropped if {@code dropAbove} is exceeded.
     */
    long run(long duration, int perStep, LongUnaryOperator latency, long dropAbove) {
      long end = now + duration;
      while (end - now > 0) {
        while (!running.isEmpty() && running.peek()[0] - now <= 0) {
          long[] done = running.poll();
          inflight--;
          limiter.release("k", now, done[1], done[1] > dropAbove);
          long limit = limitOf.limit();
          assertThat(limit).isBetween(min, max);
        }
        for (int i = 0; i < perStep; i++) {
          long limit = limitOf.limit();
          Decision d = limiter.acquire("k", now);
          if (d.admitted()) {
            inflight++;
            admitted++;
            assertThat(inflight).as("in flight at admission").isLessThanOrEqualTo(limit);
            long rtt = latency.applyAsLong(inflight);
            running.add(new long[] {now + rtt, rtt});
          } else {
            assertThat(inflight).as("rejected only at the limit").isGreaterThanOrEqualTo(limit);
          }
        }
        now += MS / 10;
      }
      return limitOf.limit();
    }
  }

  @Test
  void aimdAddsOneWhenBusyAndMultipliesByTheBackoffOnADrop() {
    AimdLimit aimd = (AimdLimit) Limiters.create("aimd", Map.of("limit", "10", "timeout-millis", "100"));
    for (int i = 0; i < 6; i++) {
      assertThat(aimd.acquire("k", 0).admitted()).isTrue();
    }
    aimd.release("k", 0, 5 * MS, false); // 6 in flight, 6 x 2 >= 10: 11
    assertThat(aimd.limitOf("k")).isEqualTo(11);
    aimd.release("k", 0, 5 * MS, true); // dropped: floor(11 x 0.9) = 9
    assertThat(aimd.limitOf("k")).isEqualTo(9);
    aimd.release("k", 0, 101 * MS, false); // slower than the timeout: floor(9 x 0.9) = 8
    assertThat(aimd.limitOf("k")).isEqualTo(8);
    aimd.release("k", 0, 5 * MS, false); // 3 in flight, 3 x 2 < 8: unchanged (not using the limit)
    assertThat(aimd.limitOf("k")).isEqualTo(8);
    assertThat(aimd.stats()).containsEntry("keys", 1).containsEntry("highestLimit", 8L);
  }

  @Test
  void aimdGrowsWhileHealthyFallsUnderDropsAndRecoversWithinItsBounds() {
    AimdLimit aimd = (AimdLimit) Limiters.create("aimd", Map.of("limit", "10", "min-limit", "5",
        "max-limit", "200", "timeout-millis", "1000"));
    Simulation sim = new Simulation(aimd, () -> aimd.limitOf("k"), 5, 200);
    LongUnaryOperator healthy = inflight -> 10 * MS;
    long grown = sim.run(1_000 * MS, 5, healthy, Long.MAX_VALUE);
    assertThat(grown).as("limit after a healthy second at high demand").isEqualTo(200);
    // overload: latency grows with the queue, and above 60 ms requests are dropped (timeouts)
    LongUnaryOperator overloaded = inflight -> 10 * MS * Math.max(1, inflight / 20);
    long fallen = sim.run(2_000 * MS, 5, overloaded, 60 * MS);
    assertThat(fallen).as("limit under drops").isLessThan(130); // drops start above 120 in flight
    long recovered = sim.run(2_000 * MS, 5, healthy, Long.MAX_VALUE);
    assertThat(recovered).isEqualTo(200);
    // every release dropped: it falls to its floor and stays there
    long floor = sim.run(1_000 * MS, 5, healthy, 0);
    assertThat(floor).isEqualTo(5);
  }

  @Test
  void gradientGrowsAtLowLatencyFallsAsLatencyRisesAndRecoversWithinItsBounds() {
    GradientLimit gradient = (GradientLimit) Limiters.create("gradient", Map.of("limit", "20", "min-limit", "5",
        "max-limit", "300"));
    Simulation sim = new Simulation(gradient, () -> gradient.limitOf("k"), 5, 300);
    LongUnaryOperator flat = inflight -> 10 * MS;
    long grown = sim.run(1_000 * MS, 10, flat, Long.MAX_VALUE);
    assertThat(grown).as("limit after a second of flat latency at high demand").isEqualTo(300);
    // the backend saturates at 30 in flight: beyond it latency grows with the queue
    LongUnaryOperator saturating = inflight -> 10 * MS * Math.max(1, inflight) / 30;
    long fallen = sim.run(3_000 * MS, 10, saturating, Long.MAX_VALUE);
    assertThat(fallen).as("limit once latency rises with load").isLessThan(100);
    long recovered = sim.run(2_000 * MS, 10, flat, Long.MAX_VALUE);
    assertThat(recovered).isGreaterThan(200);
    // the dropped flag alone does not move it (Gradient2Limit ignores drops)
    long withDrops = sim.run(500 * MS, 10, flat, 0);
    assertThat(withDrops).isEqualTo(300);
  }

  @Test
  void gradientShrinksByAtMostHalfPerSampleBeforeSmoothing() {
    // one sample at 100x the long-term latency: gradient clamps at 0.5,
    // new = 0.8 x 100 + 0.2 x (100 x 0.5 + 4) = 90.8
    GradientLimit gradient = (GradientLimit) Limiters.create("gradient", Map.of("limit", "100",
        "max-limit", "1000"));
    for (int i = 0; i < 100; i++) {
      gradient.acquire("k", 0);
    }
    for (int i = 0; i < 10; i++) { // the warm-up samples average the long-term RTT to 10 ms; at 1.5 x
      gradient.release("k", 0, 10 * MS, false); // tolerance the gradient is 1: 100 -> 100.8 -> ... grows
      gradient.acquire("k", 0);
    }
    long before = gradient.limitOf("k");
    assertThat(before).isGreaterThan(100);
    gradient.release("k", 0, 1000 * MS, false);
    // estimate x 0.8 + (estimate x 0.5 + 4) x 0.2 = 0.9 x estimate + 0.8
    assertThat(gradient.limitOf("k")).isBetween((long) (0.9 * before + 0.8) - 1, (long) (0.9 * (before + 1) + 0.8));
  }
}
