package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.strategy.ManualClock;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.testing.FakeBackend;
import io.strategybench.testing.Requests;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyAwareStrategiesTest {
  private final ManualClock clock = new ManualClock();
  private final FakeBackend fast = new FakeBackend("fast", 1);
  private final FakeBackend slow = new FakeBackend("slow", 1);
  private final List<FakeBackend> pool = List.of(fast, slow);

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void leastResponseTimePicksTheLowestAverageLatency() {
    LeastResponseTime lb = new LeastResponseTime(new LeastResponseTime.Settings(), StrategyContext.seeded(clock, 1));
    lb.setBackends(pool);
    lb.onComplete(fast, ms(2), true);
    lb.onComplete(slow, ms(20), true);
    for (int i = 0; i < 20; i++) {
      assertThat(lb.pick(Requests.anonymous())).isSameAs(fast);
    }
  }

  @Test
  void leastResponseTimeBreaksTiesByInFlight() {
    LeastResponseTime lb = new LeastResponseTime(new LeastResponseTime.Settings(), StrategyContext.seeded(clock, 1));
    lb.setBackends(pool);
    fast.inFlight = 3;
    for (int i = 0; i < 10; i++) {
      assertThat(lb.pick(Requests.anonymous())).as("no latency known yet: fewer in flight wins").isSameAs(slow);
    }
  }

  @Test
  void leastResponseTimeForgetsASlowBackendOverTime() {
    LeastResponseTime.Settings settings = new LeastResponseTime.Settings();
    settings.decayMillis = 1_000;
    LeastResponseTime lb = new LeastResponseTime(settings, StrategyContext.seeded(clock, 1));
    lb.setBackends(pool);
    lb.onComplete(slow, ms(50), true);
    clock.advance(ms(10));
    lb.onComplete(fast, ms(5), true);
    assertThat(lb.pick(Requests.anonymous())).isSameAs(fast);
    // Unobserved, both averages decay at the same rate; after observing fast again, slow has decayed below it.
    clock.advance(ms(5_000));
    lb.onComplete(fast, ms(5), true);
    assertThat(lb.pick(Requests.anonymous())).as("50 ms x e^-5 = 0.34 ms < 5 ms").isSameAs(slow);
  }

  @Test
  void peakEwmaReactsToASpikeAtOnceAndDecaysSlowly() {
    DecayingAverage average = new DecayingAverage(ms(1_000), true);
    average.observe(ms(10), 0);
    average.observe(ms(100), ms(1));
    assertThat(average.read(ms(1))).as("a peak replaces the average").isEqualTo(ms(100));
    average.observe(ms(10), ms(2));
    // One millisecond later the spike has barely decayed: 100 ms x e^-0.001 + 10 ms x (1 - e^-0.001).
    double w = Math.exp(-1.0 / 1000);
    assertThat(average.read(ms(2))).isCloseTo(ms(100) * w + ms(10) * (1 - w), org.assertj.core.data.Offset.offset(1.0));
  }

  @Test
  void peakEwmaPrefersTheCheaperOfTwoBackends() {
    PeakEwma lb = new PeakEwma(new PeakEwma.Settings(), StrategyContext.seeded(clock, 1));
    lb.setBackends(pool);
    lb.onComplete(fast, ms(1), true);
    lb.onComplete(slow, ms(30), true);
    for (int i = 0; i < 20; i++) {
      assertThat(lb.pick(Requests.anonymous())).isSameAs(fast);
    }
    // Cost is latency x (in flight + 1): 1 ms x 40 > 30 ms x 1.
    fast.inFlight = 39;
    assertThat(lb.pick(Requests.anonymous())).isSameAs(slow);
  }

  @Test
  void peakEwmaPenalisesABackendWithLoadButNoMeasurement() {
    PeakEwma lb = new PeakEwma(new PeakEwma.Settings(), StrategyContext.seeded(clock, 1));
    lb.setBackends(pool);
    lb.onComplete(slow, ms(500), true);
    fast.inFlight = 1; // never measured, but busy
    assertThat(lb.pick(Requests.anonymous())).isSameAs(slow);
  }

  @Test
  void peakEwmaComparesCostsInLogSpaceExactlyAsTheDecayedCostsOrder() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int trial = 0; trial < 2_000; trial++) {
      PeakEwma lb = new PeakEwma(new PeakEwma.Settings(), StrategyContext.seeded(clock, trial));
      FakeBackend a = new FakeBackend("a", 1);
      FakeBackend b = new FakeBackend("b", 1);
      lb.setBackends(List.of(a, b));
      if (random.nextInt(5) != 0) {
        lb.onComplete(a, ms(1 + random.nextInt(100)), true);
      }
      clock.advance(ms(random.nextInt(20_000)));
      if (random.nextInt(5) != 0) {
        lb.onComplete(b, ms(1 + random.nextInt(100)), true);
      }
      clock.advance(ms(random.nextInt(20_000)));
      a.inFlight = random.nextInt(50);
      b.inFlight = random.nextInt(50);
      double costA = lb.cost(a, clock.nanoTime());
      double costB = lb.cost(b, clock.nanoTime());
      if (Math.abs(costA - costB) <= 1e-6 * Math.max(costA, costB)) {
        continue; // a tie: either answer is right
      }
      Backend expected = costA < costB ? a : b;
      // With two backends both are always drawn: the pick must be the cheaper by the decayed cost.
      assertThat(lb.pick(Requests.anonymous())).as("costs a=%s b=%s", costA, costB).isSameAs(expected);
    }
  }

  @Test
  void stateOfABackendSurvivesATopologyChange() {
    PeakEwma lb = new PeakEwma(new PeakEwma.Settings(), StrategyContext.seeded(clock, 1));
    lb.setBackends(pool);
    lb.onComplete(fast, ms(1), true);
    lb.onComplete(slow, ms(30), true);
    FakeBackend added = new FakeBackend("added", 1);
    lb.setBackends(List.of(fast, slow, added));
    lb.onComplete(added, ms(60), true);
    int fastPicks = 0;
    for (int i = 0; i < 300; i++) {
      if (lb.pick(Requests.anonymous()) == fast) {
        fastPicks++;
      }
    }
    // fast wins every draw it is in: 2 of the 3 pairs.
    assertThat(fastPicks).isBetween(170, 230);
  }
}
