package io.strategybench.cache;

import java.util.concurrent.ThreadLocalRandom;

/**
 * When a cached entry is fresh, and when it is refreshed: the TTL after each fill, jittered by up to
 * {@code ttlJitter} of itself either way (the avalanche protection), stale-while-revalidate, and probabilistic
 * early expiration (XFetch: a read refreshes early with probability growing toward the expiry, Vattani et al.,
 * VLDB 2015).
 */
final class Freshness {
  private final long ttlNanos;
  private final double ttlJitter;
  private final long staleWhileRevalidateNanos;
  private final double xfetchBeta;

  Freshness(CacheStage.Config config) {
    this(config.ttlNanos(), config.ttlJitter(), config.staleWhileRevalidateNanos(), config.xfetchBeta());
  }

  Freshness(long ttlNanos, double ttlJitter, long staleWhileRevalidateNanos, double xfetchBeta) {
    if (ttlNanos < 0 || !(ttlJitter >= 0 && ttlJitter <= 1)) {
      throw new IllegalArgumentException("--ttl must not be negative and --ttl-jitter must be 0..1, got " + ttlNanos
          + " ns and " + ttlJitter);
    }
    this.ttlNanos = ttlNanos;
    this.ttlJitter = ttlJitter;
    this.staleWhileRevalidateNanos = staleWhileRevalidateNanos;
    this.xfetchBeta = xfetchBeta;
  }

  /** An entry just read: TTL (jittered) and stale window from now. */
  Entry fresh(long version, long fetchNanos) {
    long now = System.nanoTime();
    if (ttlNanos == 0) {
      return new Entry(version, false, Long.MAX_VALUE, Long.MAX_VALUE, fetchNanos);
    }
    double factor = 1 + ttlJitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    long expires = now + Math.max(1, (long) (ttlNanos * factor));
    return new Entry(version, false, expires, staleUntil(expires), fetchNanos);
  }

  /** Until when an entry expiring at {@code expires} may be served stale while it is refreshed. */
  long staleUntil(long expires) {
    return staleWhileRevalidateNanos > 0 ? expires + staleWhileRevalidateNanos : expires;
  }

  /** XFetch: refresh early when now - delta x beta x ln(u) passes the expiry, u uniform in (0, 1]. */
  boolean refreshEarly(Entry entry, long now) {
    if (xfetchBeta <= 0 || entry.negative() || entry.expiresAt() == Long.MAX_VALUE) {
      return false;
    }
    double u = 1.0 - ThreadLocalRandom.current().nextDouble();
    return now - entry.fetchNanos() * xfetchBeta * Math.log(u) >= entry.expiresAt();
  }
}
