package io.strategybench.delivery.redis;

import io.strategybench.delivery.Event;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A bus's listeners, called in subscription order on the bus's one delivery thread. A listener that throws is
 * counted and the others still get the event; one that blocks holds up every listener of the bus (they must not).
 */
final class Listeners {
  private final CopyOnWriteArrayList<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private final LongAdder errors = new LongAdder();

  /** Adds {@code listener}; closing the answer removes exactly this subscription. */
  AutoCloseable add(Consumer<Event> listener) {
    if (listener == null) {
      throw new IllegalArgumentException("subscribe needs a listener, got null");
    }
    Consumer<Event> own = listener::accept; // a subscription of its own, even for a listener added twice
    listeners.add(own);
    return () -> listeners.remove(own);
  }

  /** Calls every listener with {@code event}, on the calling thread. */
  void deliver(Event event) {
    for (Consumer<Event> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        errors.increment();
      }
    }
  }

  int size() {
    return listeners.size();
  }

  long errors() {
    return errors.sum();
  }

  void clear() {
    listeners.clear();
  }
}
