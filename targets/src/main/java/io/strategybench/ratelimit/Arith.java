package io.strategybench.ratelimit;

/** Exact integer helpers for the rate limiters. */
final class Arith {
  private Arith() {}

  /** Compares {@code a x b} with {@code c x d} exactly, for non-negative operands (128-bit products). */
  static int compareProducts(long a, long b, long c, long d) {
    long high1 = Math.multiplyHigh(a, b);
    long high2 = Math.multiplyHigh(c, d);
    if (high1 != high2) {
      return Long.compare(high1, high2);
    }
    return Long.compareUnsigned(a * b, c * d);
  }

  /** {@code floor(a x b / c)} for non-negative {@code a, b} and positive {@code c}, exactly. */
  static long mulDivFloor(long a, long b, long c) {
    if (Math.multiplyHigh(a, b) == 0 && a * b >= 0) {
      return a * b / c;
    }
    return java.math.BigInteger.valueOf(a).multiply(java.math.BigInteger.valueOf(b))
        .divide(java.math.BigInteger.valueOf(c)).longValueExact();
  }

  /** {@code ceil(a / b)} for {@code a >= 0, b > 0}. */
  static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
