package io.strategybench.cache;

import java.util.Arrays;

/**
 * A sequence of cache requests held in memory: each request's key and, when the workload carries them, its
 * object size in bytes. Replays need the whole sequence (Belady's optimum reads the future).
 *
 * @param name what it is ({@code sprite.trace.gz}, {@code zipf(s=0.99,keys=100000)})
 * @param keys the key of each request, in order
 * @param sizes the size of each request's object in bytes, or null when the workload has none (unit weights)
 */
public record Trace(String name, long[] keys, long[] sizes) {
  public Trace {
    if (sizes != null && sizes.length != keys.length) {
      throw new IllegalArgumentException("sizes and keys differ in length");
    }
  }

  public int requests() {
    return keys.length;
  }

  public boolean hasSizes() {
    return sizes != null;
  }

  /** The size of request {@code i}: its bytes, or 1 when the trace has no sizes. */
  public long size(int i) {
    return sizes == null ? 1 : sizes[i];
  }

  /** Distinct keys in the trace. */
  public int distinctKeys() {
    long[] sorted = keys.clone();
    Arrays.sort(sorted);
    int distinct = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        distinct++;
      }
    }
    return distinct;
  }

  /** The sum of the sizes of the distinct objects: the capacity at which only first requests miss. */
  public long footprintBytes() {
    if (sizes == null) {
      return distinctKeys();
    }
    LongMap<Boolean> seen = new LongMap<>(1024);
    long bytes = 0;
    for (int i = 0; i < keys.length; i++) {
      if (seen.put(keys[i], Boolean.TRUE) == null) {
        bytes += sizes[i];
      }
    }
    return bytes;
  }

  /**
   * For each request, the position of the next request for the same key, or {@link ClairvoyantPolicy#NEVER}:
   * what Belady's optimum needs, computed in one backward pass.
   */
  public long[] nextAccess() {
    long[] next = new long[keys.length];
    LongMap<long[]> last = new LongMap<>(1024);
    for (int i = keys.length - 1; i >= 0; i--) {
      long[] seen = last.get(keys[i]);
      if (seen == null) {
        next[i] = ClairvoyantPolicy.NEVER;
        last.put(keys[i], new long[] {i});
      } else {
        next[i] = seen[0];
        seen[0] = i;
      }
    }
    return next;
  }

  @Override
  public String toString() {
    return name + " (" + keys.length + " requests)";
  }
}
