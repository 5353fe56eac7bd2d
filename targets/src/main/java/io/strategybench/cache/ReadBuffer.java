package io.strategybench.cache;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;

/**
 * Reads recorded for a policy that is updated under a lock: striped rings of 16 events each, one stripe per
 * thread (by its id), each ring many writers and one drainer. A reader records its event with one
 * compare-and-set; the lock's holder replays the rings in batches. A full or contended ring drops the event: a
 * read is a hint to the policy, and losing a few under contention is the price of never waiting (BP-Wrapper,
 * Ding et al., ICDE 2009; Caffeine's read buffer). Events are non-zero longs.
 */
final class ReadBuffer {
  static final int RING = 16;
  private static final int MASK = RING - 1;

  /** What {@link #offer} did. */
  enum Offer {
    /** recorded */
    OK,
    /** recorded, and the ring is now full: time to drain */
    DRAIN,
    /** not recorded: the ring is full */
    FULL,
    /** not recorded: another thread won the slot */
    CONTENDED
  }

  private static final class Ring {
    final AtomicLongArray slots = new AtomicLongArray(RING);
    final AtomicLong tail = new AtomicLong();
    volatile long head;
    // keep the next ring's counters off this one's cache line
    long p1;
    long p2;
    long p3;
    long p4;
    long p5;
    long p6;
  }

  private final Ring[] rings;
  private final int stripeMask;

  ReadBuffer() {
    int stripes = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 4 - 1)) << 1;
    rings = new Ring[stripes];
    for (int i = 0; i < stripes; i++) {
      rings[i] = new Ring();
    }
    stripeMask = stripes - 1;
  }

  Offer offer(long event) {
    long id = Thread.currentThread().getId();
    Ring ring = rings[(int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & stripeMask];
    long head = ring.head;
    long tail = ring.tail.get();
    long used = tail - head;
    if (used >= RING) {
      return Offer.FULL;
    }
    if (!ring.tail.compareAndSet(tail, tail + 1)) {
      return Offer.CONTENDED;
    }
    ring.slots.lazySet((int) tail & MASK, event);
    return used + 1 >= RING ? Offer.DRAIN : Offer.OK;
  }

  /** Replays every recorded event in ring order; the caller holds the lock. */
  void drain(LongConsumer consumer) {
    for (Ring ring : rings) {
      long head = ring.head;
      long tail = ring.tail.get();
      while (head < tail) {
        int i = (int) head & MASK;
        long event = ring.slots.get(i);
        if (event == 0) {
          break; // a writer won the slot but has not written it yet; the next drain takes it
        }
        ring.slots.lazySet(i, 0);
        consumer.accept(event);
        head++;
      }
      ring.head = head;
    }
  }
}
