package io.strategybench.lb;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures stickiness: for each key (a session, a client address) the backend its first request went to,
 * and how many of its requests went there. Stickiness is that share over all tracked requests: 1.0 means
 * every session stayed where it started. At most {@code maxKeys} keys are tracked; later keys are counted
 * as untracked rather than growing the table.
 */
final class AffinityTracker {
  private final int maxKeys;
  private final Map<String, Backend> first = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder onFirst = new LongAdder();
  private final LongAdder untracked = new LongAdder();

  AffinityTracker(int maxKeys) {
    this.maxKeys = maxKeys;
  }

  void record(String key, Backend backend) {
    Backend start = first.get(key);
    if (start == null) {
      if (first.size() >= maxKeys) {
        untracked.increment();
        return;
      }
      start = first.putIfAbsent(key, backend);
      if (start == null) {
        start = backend;
      }
    }
    requests.increment();
    if (start == backend) {
      onFirst.increment();
    }
  }

  /** Share of tracked requests that went to their key's first backend; 1.0 when nothing was tracked. */
  double stickiness() {
    long total = requests.sum();
    return total == 0 ? 1.0 : (double) onFirst.sum() / total;
  }

  int keys() {
    return first.size();
  }

  long requests() {
    return requests.sum();
  }

  long untracked() {
    return untracked.sum();
  }

  void reset() {
    first.clear();
    requests.reset();
    onFirst.reset();
    untracked.reset();
  }
}
