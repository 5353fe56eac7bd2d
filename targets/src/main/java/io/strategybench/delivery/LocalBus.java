package io.strategybench.delivery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Fan-out within one instance: an event reaches the subscribers of the instance it was published on, and no other.
 * Ids are the sequence numbers as text. The baseline: right for one instance, and what a second instance lacks.
 */
public final class LocalBus implements EventBus {
  private final EventLog log;
  private final AtomicLong seq = new AtomicLong();
  private final CopyOnWriteArrayList<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();

  public LocalBus(int history) {
    this.log = new EventLog(history);
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public synchronized CompletionStage<Event> publish(String data) {
    // synchronized: events reach the log and the listeners in sequence order
    Event event = new Event(Long.toString(seq.incrementAndGet()), seq.get(), Event.nowMicros(), data);
    log.append(event);
    for (Consumer<Event> listener : listeners) {
      listener.accept(event);
    }
    return CompletableFuture.completedFuture(event);
  }

  @Override
  public AutoCloseable subscribe(Consumer<Event> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public CompletionStage<List<Event>> after(String lastEventId, int max) {
    String problem = lastEventId == null ? null : checkId(lastEventId);
    if (problem != null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
    }
    return CompletableFuture.completedFuture(log.afterSeq(lastEventId == null ? 0 : Long.parseLong(lastEventId), max));
  }

  @Override
  public String checkId(String id) {
    return SeqIds.check(id, name());
  }

  @Override
  public java.util.Map<String, Object> stats() {
    return java.util.Map.of("published", seq.get(), "held", log.size(), "subscribers", listeners.size());
  }
}
