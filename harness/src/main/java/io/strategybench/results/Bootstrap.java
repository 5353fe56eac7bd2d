package io.strategybench.results;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Intervals for the figures of a load run by the block bootstrap (Künsch 1989): the measured phase is cut into
 * blocks of one second, the blocks are drawn with replacement as many times as there are blocks, and the figure
 * is computed on each such resample; the 2.5th and 97.5th percentiles of those figures bound a 95% interval.
 * Whole seconds are drawn, not single requests, because neighbouring requests are not independent (a queue, a
 * pause, a burst of errors spans many of them), and a second keeps that together. The resampling is seeded, so
 * the same log always gives the same interval.
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
   * A 95% interval.
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

  private static Interval bounds(double[] estimates, int blocks) {
    double[] finite = Arrays.stream(estimates).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (finite.length == 0) {
      return new Interval(Double.NaN, Double.NaN, blocks);
    }
    return new Interval(finite[(int) Math.floor(0.025 * (finite.length - 1))],
        finite[(int) Math.ceil(0.975 * (finite.length - 1))], blocks);
  }
}
