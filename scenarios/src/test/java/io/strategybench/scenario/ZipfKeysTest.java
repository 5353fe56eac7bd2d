package io.strategybench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ZipfKeysTest {
  /** The generalized harmonic number H(n, s), summed directly: the oracle for the distribution. */
  private static double harmonic(int n, double s) {
    double h = 0;
    for (int k = 1; k <= n; k++) {
      h += Math.pow(k, -s);
    }
    return h;
  }

  @Test
  void probabilitiesAreZipfsLaw() {
    ZipfKeys zipf = new ZipfKeys(1000, 0.99, 1);
    double h = harmonic(1000, 0.99);
    for (int k : new int[] {0, 1, 9, 99, 999}) {
      assertThat(zipf.probability(k)).isCloseTo(Math.pow(k + 1, -0.99) / h, within(1e-12));
    }
  }

  @Test
  void drawsFollowTheDistribution() {
    int n = 1000;
    int draws = 1_000_000;
    ZipfKeys zipf = new ZipfKeys(n, 1.2, 42);
    long[] counts = new long[n];
    for (int i = 0; i < draws; i++) {
      counts[zipf.next()]++;
    }
    double h = harmonic(n, 1.2);
    // Chi-square over the first 50 ranks plus the tail: 50 degrees of freedom, 99.9th percentile about 86.7.
    double chi = 0;
    double tailExpected = draws;
    long tailObserved = draws;
    for (int k = 0; k < 50; k++) {
      double expected = draws * Math.pow(k + 1, -1.2) / h;
      chi += (counts[k] - expected) * (counts[k] - expected) / expected;
      tailExpected -= expected;
      tailObserved -= counts[k];
    }
    chi += (tailObserved - tailExpected) * (tailObserved - tailExpected) / tailExpected;
    assertThat(chi).isLessThan(86.7);
  }

  @Test
  void zeroSkewIsUniformAndTheSeedFixesTheSequence() {
    ZipfKeys uniform = new ZipfKeys(10, 0, 7);
    for (int k = 0; k < 10; k++) {
      assertThat(uniform.probability(k)).isCloseTo(0.1, within(1e-12));
    }
    ZipfKeys a = new ZipfKeys(100, 0.99, 5);
    ZipfKeys b = new ZipfKeys(100, 0.99, 5);
    for (int i = 0; i < 1000; i++) {
      int next = a.next();
      assertThat(next).isBetween(0, 99).isEqualTo(b.next());
    }
    assertThatThrownBy(() -> new ZipfKeys(0, 1, 1)).hasMessageContaining("keys");
  }
}
