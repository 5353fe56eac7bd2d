package io.strategybench.delivery;

import io.strategybench.delivery.redis.RedisPubSubBus;
import io.strategybench.delivery.redis.RedisStreamsBus;
import java.util.List;

/** Opens an {@link EventBus} by its fan-out's name: what {@code bench serve --fanout} chooses. */
public final class Buses {
  /** The fan-outs, by name. */
  public static final List<String> FANOUTS = List.of("local", "redis-pubsub", "redis-streams");

  /** How long a Redis command of a bus may take before it fails. */
  public static final long TIMEOUT_MILLIS = 2000;

  private Buses() {}

  /**
   * Opens the fan-out {@code fanout}.
   *
   * @param redisUrl where Redis is ({@code redis://127.0.0.1:6379}); unused by {@code local}
   * @param namespace the prefix of the bus's Redis keys and channel; unused by {@code local}
   * @param history the events an instance keeps ({@code local}, {@code redis-pubsub}) or the stream's length, about
   *     ({@code redis-streams})
   * @throws IllegalArgumentException for an unknown fan-out (the message lists the valid ones) or an unusable
   *     argument
   * @throws IllegalStateException when Redis cannot be reached (the message names the URL, why, and what to do)
   */
  public static EventBus open(String fanout, String redisUrl, String namespace, int history) {
    String name = fanout == null ? "null" : fanout;
    return switch (name) {
      case "local" -> new LocalBus(history);
      case "redis-pubsub" -> new RedisPubSubBus(redisUrl, namespace, history, TIMEOUT_MILLIS);
      case "redis-streams" -> new RedisStreamsBus(redisUrl, namespace, history, TIMEOUT_MILLIS);
      default -> throw new IllegalArgumentException("unknown fan-out '" + SeqIds.printable(name) + "'; valid: "
          + String.join(", ", FANOUTS));
    };
  }
}
