package io.strategybench.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Origin reads in flight, one per key, that later misses of the key join instead of reading again: the
 * single-flight protection against a stampede, the lock of lock-with-stale, read-through's one load per key, and
 * the background refreshes of stale-while-revalidate.
 */
final class Flights {
  /** One origin read that several requests wait for; each waiter gets the entry, or null when it was shed. */
  private static final class Flight {
    private final List<Consumer<Entry>> waiters = new ArrayList<>(2);
    private boolean done;

    /** Adds a waiter; false when the flight has landed (the caller starts another). */
    synchronized boolean join(Consumer<Entry> waiter) {
      if (done) {
        return false;
      }
      waiters.add(waiter);
      return true;
    }

    void land(Entry entry) {
      List<Consumer<Entry>> all;
      synchronized (this) {
        done = true;
        all = List.copyOf(waiters);
        waiters.clear();
      }
      for (Consumer<Entry> waiter : all) {
        waiter.accept(entry);
      }
    }
  }

  /** Starts one read of a key: {@code done} gets the entry, or null when the read was shed. */
  interface Read {
    void start(Consumer<Entry> done);
  }

  private final ConcurrentHashMap<Long, Flight> flights = new ConcurrentHashMap<>();

  /** Whether a read of {@code key} is in flight. */
  boolean inFlight(long key) {
    return flights.containsKey(key);
  }

  /**
   * {@code waiter} gets the outcome of the read of {@code key} in flight, or of a new one that {@code read} starts.
   *
   * @return true when it joined a read in flight (a coalesced miss)
   */
  boolean join(long key, Consumer<Entry> waiter, Read read) {
    Flight flight = new Flight();
    while (true) {
      Flight current = flights.putIfAbsent(key, flight);
      if (current == null) {
        break;
      }
      if (current.join(waiter)) {
        return true;
      }
      flights.remove(key, current); // landed between the lookup and the join
    }
    flight.join(waiter);
    read.start(entry -> {
      flights.remove(key, flight);
      flight.land(entry);
    });
    return false;
  }

  /** Starts a read of {@code key} nobody waits for, unless one is in flight; true when it started one. */
  boolean startIfNone(long key, Read read) {
    Flight flight = new Flight();
    if (flights.putIfAbsent(key, flight) != null) {
      return false;
    }
    read.start(entry -> {
      flights.remove(key, flight);
      flight.land(entry);
    });
    return true;
  }
}
