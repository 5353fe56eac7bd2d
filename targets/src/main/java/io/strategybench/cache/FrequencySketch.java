package io.strategybench.cache;

/**
 * TinyLFU's popularity estimate (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission
 * Policy", ACM ToS 2017): a count-min sketch of 4-bit counters, four per key, the estimate being the least of
 * them. After as many increments as ten times the cache's capacity, every counter is halved (the reset that
 * ages old popularity away). Laid out as Caffeine's {@code FrequencySketch} of version 2: 16 counters per
 * {@code long}, a table of the next power of two of the capacity. Deterministic: the hash seeds are fixed.
 */
final class FrequencySketch {
  private static final long[] SEED = {0xc3a5c85c97cb3127L, 0xb492b66fbe98f273L, 0x9ae16a3b2f90404fL,
      0xcbf29ce484222325L};
  private static final long RESET_MASK = 0x7777777777777777L;
  private static final long ONE_MASK = 0x1111111111111111L;

  private final long[] table;
  private final int tableMask;
  private final int sampleSize;
  private int size;
  private long resets;

  FrequencySketch(long capacity) {
    int maximum = (int) Math.min(Math.max(capacity, 1), 1 << 30);
    int length = Integer.highestOneBit(Math.max(maximum, 2) - 1) << 1;
    table = new long[length];
    tableMask = length - 1;
    sampleSize = (int) Math.min(10L * maximum, Integer.MAX_VALUE);
  }

  /** The estimated number of times {@code key} was counted since the last resets, 0 to 15. */
  int frequency(long key) {
    int hash = spread(Long.hashCode(key));
    int start = (hash & 3) << 2;
    int frequency = Integer.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      int index = indexOf(hash, i);
      int count = (int) ((table[index] >>> ((start + i) << 2)) & 0xfL);
      frequency = Math.min(frequency, count);
    }
    return frequency;
  }

  /** Counts one occurrence of {@code key}; halves every counter after {@code sampleSize} of them. */
  void increment(long key) {
    int hash = spread(Long.hashCode(key));
    int start = (hash & 3) << 2;
    boolean added = false;
    for (int i = 0; i < 4; i++) {
      added |= incrementAt(indexOf(hash, i), start + i);
    }
    if (added && ++size == sampleSize) {
      reset();
    }
  }

  int sampleSize() {
    return sampleSize;
  }

  long resets() {
    return resets;
  }

  private boolean incrementAt(int i, int j) {
    int offset = j << 2;
    long mask = 0xfL << offset;
    if ((table[i] & mask) != mask) {
      table[i] += 1L << offset;
      return true;
    }
    return false;
  }

  private void reset() {
    int odd = 0;
    for (int i = 0; i < table.length; i++) {
      odd += Long.bitCount(table[i] & ONE_MASK);
      table[i] = (table[i] >>> 1) & RESET_MASK;
    }
    size = (size >>> 1) - (odd >>> 2);
    resets++;
  }

  private int indexOf(int item, int i) {
    long hash = (item + SEED[i]) * SEED[i];
    hash += hash >>> 32;
    return ((int) hash) & tableMask;
  }

  private static int spread(int x) {
    x = ((x >>> 16) ^ x) * 0x45d9f3b;
    x = ((x >>> 16) ^ x) * 0x45d9f3b;
    return (x >>> 16) ^ x;
  }
}
