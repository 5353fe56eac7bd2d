package io.strategybench.ratelimit;

/**
 * One admission decision, with what the gateway tells the client in its {@code RateLimit-*} and
 * {@code Retry-After} headers.
 *
 * @param admitted whether the request may go on
 * @param limit the limit that applied (requests per window, burst + 1 for GCRA, in-flight for concurrency)
 * @param remaining how many more requests would be admitted right now (never negative)
 * @param retryAfterNanos for a rejected request, how long until one would be admitted; 0 when admitted
 * @param resetNanos how long until the limiter is back to its full allowance
 * @param delayNanos for an admitted request, how long it must wait before it goes on (leaky bucket as a
 *     queue); 0 otherwise
 */
public record Decision(boolean admitted, long limit, long remaining, long retryAfterNanos, long resetNanos,
    long delayNanos) {

  public Decision {
    if (remaining < 0) {
      remaining = 0;
    }
  }

  /** An admitted request that goes on at once. */
  public static Decision admit(long limit, long remaining, long resetNanos) {
    return new Decision(true, limit, remaining, 0, resetNanos, 0);
  }

  /** An admitted request that must wait {@code delayNanos} first. */
  public static Decision delay(long limit, long remaining, long resetNanos, long delayNanos) {
    return new Decision(true, limit, remaining, 0, resetNanos, delayNanos);
  }

  /** A rejected request that could be admitted after {@code retryAfterNanos}. */
  public static Decision reject(long limit, long retryAfterNanos, long resetNanos) {
    return new Decision(false, limit, 0, retryAfterNanos, resetNanos, 0);
  }
}
