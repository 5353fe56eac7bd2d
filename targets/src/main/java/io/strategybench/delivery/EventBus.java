package io.strategybench.delivery;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Cross-instance fan-out: how an event published on one instance reaches the subscribers of every instance, and
 * what an instance can replay to a client that resumes from an event id. The second axis of the delivery family
 * (the first is the channel a client uses): {@code local} (this instance only), {@code redis-pubsub} (at most once:
 * an instance has what it heard while it ran, nothing from before it started) and {@code redis-streams} (the stream
 * entry id is the event id; any instance replays from Redis, so a client resuming anywhere misses nothing).
 *
 * <p>Threading: {@link #publish} may be called from any thread and must not block it; listeners are called on
 * one thread per bus, in sequence order, and must not block it.
 */
public interface EventBus extends AutoCloseable {
  /** The fan-out's name ({@code local}, {@code redis-pubsub}, {@code redis-streams}). */
  String name();

  /**
   * Publishes {@code data}: the event gets its id, the next sequence number of the whole system and the publish
   * time; every instance's listeners get it (as the fan-out promises). Completes with the event, or exceptionally
   * when the fan-out could not take it (Redis unreachable).
   */
  CompletionStage<Event> publish(String data);

  /** Calls {@code listener} with every event this instance hears from now on, until the subscription is closed. */
  AutoCloseable subscribe(Consumer<Event> listener);

  /**
   * Events after {@code lastEventId} that this instance can replay, oldest first, at most {@code max}; from the
   * oldest it holds when {@code lastEventId} is null. Completes exceptionally with {@link IllegalArgumentException}
   * when the id is not one this fan-out makes (the message names the id and the right form).
   */
  CompletionStage<List<Event>> after(String lastEventId, int max);

  /**
   * Checks an id a client sent ({@code Last-Event-ID}, {@code after=}): null when it is of this fan-out's form,
   * else what is wrong with it and what the form is.
   */
  String checkId(String id);

  /** Counters for {@code /_/stats}. */
  default java.util.Map<String, Object> stats() {
    return java.util.Map.of();
  }

  @Override
  default void close() {}
}
