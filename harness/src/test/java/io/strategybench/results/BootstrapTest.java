package io.strategybench.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.results.Bootstrap.Interval;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The block bootstrap against what it claims: a 95% interval covers the true percentile of the distribution the
 * seconds were drawn from in about 95% of runs (here: independent seconds, where the claim is exact enough to
 * test), holds its own estimate, and collapses to the value when every second is the same.
 */
class BootstrapTest {
  /** One run: {@code seconds} one-second blocks of {@code perSecond} exponential response times, mean 10 ms. */
  private static List<Histogram> run(SplittableRandom random, int seconds, int perSecond) {
    List<Histogram> blocks = new ArrayList<>();
    for (int s = 0; s < seconds; s++) {
      Histogram h = new Histogram(3);
      for (int i = 0; i < perSecond; i++) {
        h.recordValue(Math.round(-10_000_000.0 * Math.log(1 - random.nextDouble())));
      }
      blocks.add(h);
    }
    return blocks;
  }

  @Test
  void theIntervalOfTheMedianCoversTheTrueMedianInAboutNineteenRunsOfTwenty() {
    double trueMedianMillis = 10 * Math.log(2);
    double trueP99Millis = 10 * Math.log(100);
    SplittableRandom random = new SplittableRandom(42);
    int runs = 200;
    int coveredMedian = 0;
    int coveredP99 = 0;
    for (int r = 0; r < runs; r++) {
      List<Histogram> blocks = run(random, 10, 500);
      Histogram all = new Histogram(3);
      blocks.forEach(all::add);
      Bootstrap.Blocks b = Bootstrap.Blocks.of(blocks);
      Interval median = b.percentile(50, 1e6, all.getValueAtPercentile(50) / 1e6);
      Interval p99 = b.percentile(99, 1e6, all.getValueAtPercentile(99) / 1e6);
      coveredMedian += median.contains(trueMedianMillis) ? 1 : 0;
      coveredP99 += p99.contains(trueP99Millis) ? 1 : 0;
    }
    // 95% nominal; a binomial of 200 runs at 0.95 lies in 0.90..0.99 with overwhelming probability, and the
    // percentile bootstrap runs slightly narrow with ten blocks
    assertThat(coveredMedian / (double) runs).isBetween(0.88, 0.995);
    assertThat(coveredP99 / (double) runs).isBetween(0.85, 0.995);
  }

  @Test
  void aRepeatRunLandsWithinTheFirstRunsRepeatabilityIntervalNineteenTimesInTwenty() {
    SplittableRandom random = new SplittableRandom(11);
    int pairs = 200;
    int within50 = 0;
    int within99 = 0;
    for (int r = 0; r < pairs; r++) {
      List<Histogram> first = run(random, 5, 600);
      List<Histogram> repeat = run(random, 5, 600);
      Histogram a = new Histogram(3);
      Histogram b = new Histogram(3);
      first.forEach(a::add);
      repeat.forEach(b::add);
      Bootstrap.Blocks blocks = Bootstrap.Blocks.of(first);
      for (int p : new int[] {50, 99}) {
        double point = a.getValueAtPercentile(p) / 1e6;
        Interval i = Bootstrap.repeat(blocks.percentile(p, 1e6, point), point, 0, 0, Double.MAX_VALUE);
        if (i.contains(b.getValueAtPercentile(p) / 1e6)) {
          if (p == 50) {
            within50++;
          } else {
            within99++;
          }
        }
      }
    }
    assertThat(within50 / (double) pairs).isBetween(0.90, 1.0);
    assertThat(within99 / (double) pairs).isBetween(0.90, 1.0);
  }

  @Test
  void aRareFailureCountIsPredictedAsAPoissonCountIs() {
    Interval three = Bootstrap.poissonRepeat(3, 2400, 8);
    // a repeat of 3 failures in 2,400 lands within 3 ± (1.96 * sqrt(6) + 1)
    assertThat(three.low()).isZero();
    assertThat(three.high() * 2400).isCloseTo(3 + 1.96 * Math.sqrt(6) + 1, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(three.contains(8 / 2400.0)).isTrue();
    assertThat(Bootstrap.poissonRepeat(0, 2400, 8).high()).as("none failed: a repeat may see a few").isPositive();
  }

  @Test
  void theIntervalHoldsItsOwnEstimateAndNarrowsWithMoreSeconds() {
    SplittableRandom random = new SplittableRandom(7);
    List<Histogram> few = run(random, 4, 500);
    List<Histogram> many = run(random, 40, 500);
    Interval narrowish = Bootstrap.Blocks.of(few).percentile(99, 1e6, 123.0);
    assertThat(narrowish.contains(123.0)).as("stretched to hold the point given").isTrue();
    Histogram all = new Histogram(3);
    many.forEach(all::add);
    double point = all.getValueAtPercentile(99) / 1e6;
    Interval wide = Bootstrap.Blocks.of(few).percentile(99, 1e6, Double.NaN);
    Interval narrow = Bootstrap.Blocks.of(many).percentile(99, 1e6, point);
    assertThat(narrow.contains(point)).isTrue();
    assertThat(narrow.high() - narrow.low()).isLessThan(wide.high() - wide.low());
    assertThat(narrow.blocks()).isEqualTo(40);
  }

  @Test
  void identicalSecondsGiveAnIntervalOfOneValue() {
    List<Histogram> blocks = new ArrayList<>();
    for (int s = 0; s < 6; s++) {
      Histogram h = new Histogram(3);
      h.recordValueWithCount(5_000_000, 100);
      blocks.add(h);
    }
    Interval i = Bootstrap.Blocks.of(blocks).percentile(99, 1e6, 5.0);
    assertThat(i.high() - i.low()).isLessThan(0.01);
    assertThat(i.low()).isCloseTo(5.0, org.assertj.core.api.Assertions.within(0.01));
  }

  @Test
  void anErrorRateIntervalComesFromTheSecondsItWasCountedIn() {
    double[] failed = {0, 0, 0, 50, 0, 0, 0, 0, 0, 0};
    double[] requests = {100, 100, 100, 100, 100, 100, 100, 100, 100, 100};
    Interval i = Bootstrap.ratio(failed, requests, 1, 0.05);
    assertThat(i.low()).as("resamples without the bad second").isEqualTo(0.0);
    assertThat(i.high()).as("resamples with it more than once").isGreaterThan(0.09);
    assertThat(i.contains(0.05)).isTrue();
    Interval none = Bootstrap.ratio(new double[10], requests, 1, 0);
    assertThat(none.low()).isZero();
    assertThat(none.high()).isZero();
  }

  @Test
  void theSameSecondsAlwaysGiveTheSameInterval() {
    List<Histogram> blocks = run(new SplittableRandom(3), 8, 300);
    assertThat(Bootstrap.Blocks.of(blocks).percentile(99, 1e6, Double.NaN))
        .isEqualTo(Bootstrap.Blocks.of(blocks).percentile(99, 1e6, Double.NaN));
  }
}
