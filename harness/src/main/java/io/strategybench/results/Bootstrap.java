package io.strategybench.results;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Repeatability intervals for the figures of a load run: where a repeat of the run on the same machine would land,
 * 19 times in 20. They rest on the block bootstrap (Künsch 1989): the measured phase is cut into blocks of one
 * second, the blocks are drawn with replacement as many times as there are blocks, and the figure is computed on
 * each such resample; the 2.5th and 97.5th percentiles of those figures bound its sampling uncertainty. Whole
 * seconds are drawn, not single requests, because neighbouring requests are not independent (a queue, a pause, a
 * burst of errors spans many of them), and a second keeps that together. That band is then widened to predict a
 * repeat: by Student's t over the normal quantile for the few seconds a run has ({@code t(0.975, n-1) / 1.96}), and
 * by the square root of two, since a repeat brings noise of its own (the difference of two runs has twice the
 * variance of one). The resampling is seeded, so the same log always gives the same interval.
 *
 * <p>A percentile of the resampled latency is read as HdrHistogram reads it: the lowest recorded value at or
 * below which the percentile's share of the requests fall.
 */
public final class Bootstrap {
  /** Resamples drawn for each interval. */
  public static final int RESAMPLES = 2000;
  private static final long SEED = 0x5EEDL;

  private Bootstrap() {}

  /**
   * An interval of a figure.
   *
   * @param low lower bound
   * @param high upper bound
   * @param blocks how many one-second blocks it rests on (fewer than 5: read it as a rough guide)
   */
  public record Interval(double low, double high, int blocks) {
    /** Whether {@code value} lies within the bounds. */
    public boolean contains(double value) {
      return value >= low && value <= high;
    }

    /** Whether the two intervals share any value. */
    public boolean overlaps(Interval other) {
      return low <= other.high && other.low <= high;
    }

    /** The interval stretched to hold {@code point} (a bootstrap interval may miss its own estimate by a hair). */
    public Interval holding(double point) {
      return Double.isNaN(point) ? this : new Interval(Math.min(low, point), Math.max(high, point), blocks);
    }
  }

  /** Per-block latency distributions flattened onto one scale of distinct values, for fast resampling. */
  public static final class Blocks {
    private final double[] values;
    private final long[][] counts;

    private Blocks(double[] values, long[][] counts) {
      this.values = values;
      this.counts = counts;
    }

    public static Blocks of(List<Histogram> blocks) {
      TreeMap<Long, Integer> index = new TreeMap<>();
      List<List<long[]>> perBlock = new ArrayList<>();
      for (Histogram h : blocks) {
        List<long[]> entries = new ArrayList<>();
        for (HistogramIterationValue v : h.recordedValues()) {
          long value = h.highestEquivalentValue(v.getValueIteratedTo());
          entries.add(new long[] {value, v.getCountAddedInThisIterationStep()});
          index.putIfAbsent(value, 0);
        }
        perBlock.add(entries);
      }
      double[] values = new double[index.size()];
      int i = 0;
      for (Long v : index.keySet()) {
        index.put(v, i);
        values[i++] = v;
      }
      long[][] counts = new long[blocks.size()][values.length];
      for (int b = 0; b < perBlock.size(); b++) {
        for (long[] e : perBlock.get(b)) {
          counts[b][index.get(e[0])] += e[1];
        }
      }
      return new Blocks(values, counts);
    }

    public int size() {
      return counts.length;
    }

    /**
     * A 95% interval of the {@code percentile} (0 to 100) of the latency, divided by {@code unit}, made to hold
     * {@code point}.
     */
    public Interval percentile(double percentile, double unit, double point) {
      int n = counts.length;
      if (n == 0 || values.length == 0) {
        return new Interval(Double.NaN, Double.NaN, n);
      }
      SplittableRandom random = new SplittableRandom(SEED);
      double[] estimates = new double[RESAMPLES];
      long[] sum = new long[values.length];
      for (int r = 0; r < RESAMPLES; r++) {
        Arrays.fill(sum, 0);
        long total = 0;
        for (int k = 0; k < n; k++) {
          long[] block = counts[random.nextInt(n)];
          for (int v = 0; v < block.length; v++) {
            sum[v] += block[v];
          }
        }
        for (long c : sum) {
          total += c;
        }
        estimates[r] = total == 0 ? Double.NaN : valueAt(sum, total, percentile) / unit;
      }
      return bounds(estimates, n).holding(point);
    }

    private double valueAt(long[] sum, long total, double percentile) {
      long wanted = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
      long seen = 0;
      for (int v = 0; v < sum.length; v++) {
        seen += sum[v];
        if (seen >= wanted) {
          return values[v];
        }
      }
      return values[values.length - 1];
    }
  }

  /**
   * A 95% interval of a ratio of sums, {@code scale × Σ numerator / Σ denominator} over the resampled blocks (an
   * error rate: failed over all; a throughput: answers over seconds), made to hold {@code point}.
   */
  public static Interval ratio(double[] numerator, double[] denominator, double scale, double point) {
    int n = numerator.length;
    if (n == 0) {
      return new Interval(Double.NaN, Double.NaN, 0);
    }
    SplittableRandom random = new SplittableRandom(SEED + 1);
    double[] estimates = new double[RESAMPLES];
    for (int r = 0; r < RESAMPLES; r++) {
      double num = 0;
      double den = 0;
      for (int k = 0; k < n; k++) {
        int b = random.nextInt(n);
        num += numerator[b];
        den += denominator[b];
      }
      estimates[r] = den == 0 ? Double.NaN : scale * num / den;
    }
    return bounds(estimates, n).holding(point);
  }

  /** Student's t at 0.975 for 1 to 30 degrees of freedom. */
  private static final double[] T_975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
      2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
      2.048, 2.045, 2.042};

  /** How much a sampling band of {@code blocks} seconds widens to predict a repeat run. */
  static double repeatFactor(int blocks) {
    double t = blocks < 2 ? T_975[0] : blocks - 1 <= T_975.length ? T_975[blocks - 2] : 1.96;
    return Math.sqrt(2) * t / 1.96;
  }

  /**
   * {@code band} (a sampling band around {@code point}) widened to predict a repeat, then by {@code resolution}
   * each side (the measurement's own step: Gatling's whole milliseconds), and kept within {@code floor..ceiling}.
   */
  public static Interval repeat(Interval band, double point, double resolution, double floor, double ceiling) {
    if (Double.isNaN(band.low()) || Double.isNaN(point)) {
      return band;
    }
    double f = repeatFactor(band.blocks());
    double low = point - f * Math.max(0, point - band.low()) - resolution;
    double high = point + f * Math.max(0, band.high() - point) + resolution;
    return new Interval(Math.max(floor, low), Math.min(ceiling, high), band.blocks());
  }

  /**
   * A repeat's count of a rare event that happened {@code count} times in {@code trials}, as a share: the
   * difference of two Poisson counts has twice the variance of one, plus one for the count's own step.
   */
  public static Interval poissonRepeat(long count, long trials, int blocks) {
    if (trials <= 0) {
      return new Interval(Double.NaN, Double.NaN, blocks);
    }
    double spread = 1.96 * Math.sqrt(2.0 * Math.max(count, 1)) + 1;
    return new Interval(Math.max(0, (count - spread) / trials), Math.min(1, (count + spread) / trials), blocks);
  }

  /** The smallest interval holding both. */
  public static Interval union(Interval a, Interval b) {
    if (Double.isNaN(a.low())) {
      return b;
    }
    if (Double.isNaN(b.low())) {
      return a;
    }
    return new Interval(Math.min(a.low(), b.low()), Math.max(a.high(), b.high()), Math.max(a.blocks(), b.blocks()));
  }

  private static Interval bounds(double[] estimates, int blocks) {
    double[] finite = Arrays.stream(estimates).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (finite.length == 0) {
      return new Interval(Double.NaN, Double.NaN, blocks);
    }
    return new Interval(finite[(int) Math.floor(0.025 * (finite.length - 1))],
        finite[(int) Math.ceil(0.975 * (finite.length - 1))], blocks);
  }
}
