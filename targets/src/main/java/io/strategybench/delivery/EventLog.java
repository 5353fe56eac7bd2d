package io.strategybench.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * The last events an instance heard, in sequence order, bounded: what {@code local} and {@code redis-pubsub} replay
 * to a resuming client or a poll. Thread-safe.
 */
public final class EventLog {
  private final Event[] ring;
  private long appended;

  public EventLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("an event log holds at least 1 event, got " + capacity);
    }
    ring = new Event[capacity];
  }

  public synchronized void append(Event event) {
    ring[(int) (appended++ % ring.length)] = event;
  }

  /** Events with a sequence number above {@code seq}, oldest first, at most {@code max}. */
  public synchronized List<Event> afterSeq(long seq, int max) {
    List<Event> out = new ArrayList<>();
    long first = Math.max(0, appended - ring.length);
    for (long i = first; i < appended && out.size() < max; i++) {
      Event e = ring[(int) (i % ring.length)];
      if (e.seq() > seq) {
        out.add(e);
      }
    }
    return out;
  }

  /** Events held now. */
  public synchronized int size() {
    return (int) Math.min(appended, ring.length);
  }

  public synchronized void clear() {
    java.util.Arrays.fill(ring, null);
    appended = 0;
  }
}
