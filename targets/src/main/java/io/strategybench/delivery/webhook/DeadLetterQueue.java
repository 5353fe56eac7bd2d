package io.strategybench.delivery.webhook;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The deliveries a webhook sender gave up on, kept for an operator to look at and replay, as Stripe's and Svix's
 * dashboards keep failed messages. Bounded: past its capacity it drops the oldest entry and counts it, so a dead
 * endpoint cannot grow the sender's memory without limit.
 */
public final class DeadLetterQueue {
  /**
   * One delivery given up on.
   *
   * @param subscriptionId whose endpoint it was for
   * @param eventId the event's id
   * @param seq the event's sequence number
   * @param attempts attempts made (0: dead-lettered before any, e.g. the endpoint was disabled or its queue full)
   * @param reason the last attempt's result, or why none was made
   * @param atMillis when it was given up on, on the sender's clock
   */
  public record Entry(String subscriptionId, String eventId, long seq, int attempts, String reason, long atMillis) {}

  /** The capacity when none is given. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final int capacity;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long added;
  private long dropped;

  public DeadLetterQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a dead-letter queue needs room for 1 entry or more, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Adds an entry, dropping the oldest when full. */
  public synchronized void add(Entry entry) {
    if (entries.size() == capacity) {
      entries.removeFirst();
      dropped++;
    }
    entries.addLast(entry);
    added++;
  }

  /** The entries kept, oldest first. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** Entries added in all, those dropped included. */
  public synchronized long added() {
    return added;
  }

  /** Entries dropped to stay within the capacity. */
  public synchronized long dropped() {
    return dropped;
  }

  public int capacity() {
    return capacity;
  }
}
