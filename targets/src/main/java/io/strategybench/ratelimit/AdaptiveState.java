package io.strategybench.ratelimit;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-key state of an adaptive concurrency limiter: requests in flight (raised lock-free while below the
 * current limit) and the current limit, which the algorithm updates under the state's lock on release.
 */
abstract class AdaptiveState {
  final AtomicLong inflight = new AtomicLong();
  volatile long limit;

  AdaptiveState(long initial) {
    this.limit = initial;
  }

  Decision acquire() {
    while (true) {
      long current = inflight.get();
      long max = limit;
      if (current >= max) {
        return Decision.reject(max, 0, 0);
      }
      if (inflight.compareAndSet(current, current + 1)) {
        return Decision.admit(max, max - current - 1, 0);
      }
    }
  }

  /** Decrements the in-flight count (never below zero) and returns the count before the release. */
  long leave() {
    while (true) {
      long current = inflight.get();
      if (current <= 0) {
        return 0;
      }
      if (inflight.compareAndSet(current, current - 1)) {
        return current;
      }
    }
  }

  /** Statistics over the keys' current limits. */
  static Map<String, Object> stats(Collection<? extends AdaptiveState> states) {
    long min = Long.MAX_VALUE;
    long max = 0;
    double sum = 0;
    int keys = 0;
    for (AdaptiveState state : states) {
      long limit = state.limit;
      min = Math.min(min, limit);
      max = Math.max(max, limit);
      sum += limit;
      keys++;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("keys", keys);
    if (keys > 0) {
      out.put("meanLimit", sum / keys);
      out.put("lowestLimit", min);
      out.put("highestLimit", max);
    }
    return out;
  }
}
