package io.strategybench.scenario;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Key ranks drawn from a Zipf distribution over {@code n} keys: rank {@code k} (0-based) has probability
 * proportional to {@code 1 / (k + 1)^s}. Sampled by inverting the cumulative distribution with a binary
 * search, so every draw is exact; {@code s = 0} is uniform. Not thread-safe.
 */
public final class ZipfKeys {
  private final double[] cdf;
  private final SplittableRandom random;

  public ZipfKeys(int n, double s, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("keys must be at least 1, got " + n);
    }
    cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      cdf[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
    cdf[n - 1] = 1.0;
    random = new SplittableRandom(seed);
  }

  /** The next rank, 0 (the most popular) to n-1. */
  public int next() {
    double u = random.nextDouble();
    int i = Arrays.binarySearch(cdf, u);
    return i >= 0 ? i : Math.min(-i - 1, cdf.length - 1);
  }

  /** Probability of rank {@code k}. */
  public double probability(int k) {
    return k == 0 ? cdf[0] : cdf[k] - cdf[k - 1];
  }
}
