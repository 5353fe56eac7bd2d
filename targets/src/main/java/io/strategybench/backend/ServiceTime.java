package io.strategybench.backend;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How long a simulated backend works on one request: a distribution of service times, sampled per request.
 * Written as {@code const:5ms}, {@code uniform:1ms..9ms}, {@code exp:5ms} (exponential with that mean) or
 * {@code lognormal:5ms,0.8} (log-normal with that mean and shape sigma: a long right tail).
 */
public sealed interface ServiceTime {
  /** One sample, in nanoseconds, never negative. */
  long sampleNanos(RandomGenerator random);

  /** The distribution's mean, in nanoseconds. */
  double meanNanos();

  /** Every request takes exactly {@code nanos}. */
  record Constant(long nanos) implements ServiceTime {
    @Override
    public long sampleNanos(RandomGenerator random) {
      return nanos;
    }

    @Override
    public double meanNanos() {
      return nanos;
    }

    @Override
    public String toString() {
      return "const:" + Durations.format(nanos);
    }
  }

  /** Uniform between {@code min} and {@code max}. */
  record Uniform(long minNanos, long maxNanos) implements ServiceTime {
    @Override
    public long sampleNanos(RandomGenerator random) {
      return minNanos + (long) (random.nextDouble() * (maxNanos - minNanos));
    }

    @Override
    public double meanNanos() {
      return (minNanos + maxNanos) / 2.0;
    }

    @Override
    public String toString() {
      return "uniform:" + Durations.format(minNanos) + ".." + Durations.format(maxNanos);
    }
  }

  /** Exponential with mean {@code meanNanos}: memoryless, the M in M/M/c. */
  record Exponential(double meanNanos) implements ServiceTime {
    @Override
    public long sampleNanos(RandomGenerator random) {
      return Math.round(-meanNanos * Math.log(1 - random.nextDouble()));
    }

    @Override
    public String toString() {
      return "exp:" + Durations.format(Math.round(meanNanos));
    }
  }

  /** Log-normal with the given mean and shape {@code sigma} (the standard deviation of its logarithm). */
  record LogNormal(double meanNanos, double sigma) implements ServiceTime {
    @Override
    public long sampleNanos(RandomGenerator random) {
      double mu = Math.log(meanNanos) - sigma * sigma / 2;
      return Math.round(Math.exp(mu + sigma * random.nextGaussian()));
    }

    @Override
    public String toString() {
      return "lognormal:" + Durations.format(Math.round(meanNanos)) + "," + sigma;
    }
  }

  /**
   * Parses the forms above.
   *
   * @throws IllegalArgumentException naming {@code what} and the accepted forms
   */
  public static ServiceTime parse(String text, String what) {
    String spec = text.trim().toLowerCase(Locale.ROOT);
    int colon = spec.indexOf(':');
    String forms = "; write const:5ms, uniform:1ms..9ms, exp:5ms or lognormal:5ms,0.8";
    if (colon < 0) {
      throw new IllegalArgumentException(what + ": '" + text + "' has no distribution" + forms);
    }
    String kind = spec.substring(0, colon);
    String args = spec.substring(colon + 1);
    switch (kind) {
      case "const", "constant":
        return new Constant(positive(Durations.parseNanos(args, what), what, text));
      case "uniform": {
        String[] bounds = args.split("\\.\\.");
        if (bounds.length != 2) {
          throw new IllegalArgumentException(what + ": '" + text + "' needs two bounds, like uniform:1ms..9ms");
        }
        long min = Durations.parseNanos(bounds[0], what);
        long max = Durations.parseNanos(bounds[1], what);
        if (max < min) {
          throw new IllegalArgumentException(what + ": '" + text + "': the upper bound is below the lower");
        }
        return new Uniform(min, max);
      }
      case "exp", "exponential":
        return new Exponential(positive(Durations.parseNanos(args, what), what, text));
      case "lognormal": {
        String[] parts = args.split(",");
        if (parts.length != 2) {
          throw new IllegalArgumentException(what + ": '" + text + "' needs a mean and a sigma, like lognormal:5ms,0.8");
        }
        double sigma;
        try {
          sigma = Double.parseDouble(parts[1].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(what + ": sigma '" + parts[1] + "' is not a number");
        }
        if (!(sigma > 0 && sigma <= 4)) {
          throw new IllegalArgumentException(what + ": sigma must be in (0, 4], got " + parts[1]);
        }
        return new LogNormal(positive(Durations.parseNanos(parts[0], what), what, text), sigma);
      }
      default:
        throw new IllegalArgumentException(what + ": unknown distribution '" + kind + "'" + forms);
    }
  }

  private static long positive(long nanos, String what, String text) {
    if (nanos <= 0) {
      throw new IllegalArgumentException(what + ": '" + text + "' must be longer than zero");
    }
    return nanos;
  }
}
