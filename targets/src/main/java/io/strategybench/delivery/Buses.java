package io.strategybench.delivery;

import java.util.List;

/** Opens the fan-out a name stands for. */
public final class Buses {
  /** The fan-outs, in the order {@code bench list} shows them. */
  public static final List<String> NAMES = List.of("local", "redis-pubsub", "redis-streams");

  private Buses() {}

  /**
   * @param fanout {@code local}, {@code redis-pubsub} or {@code redis-streams}
   * @param redisUrl the Redis of the Redis fan-outs
   * @param namespace prefix of their keys and channel
   * @param history events an instance keeps to replay
   */
  public static EventBus open(String fanout, String redisUrl, String namespace, int history) {
    if ("local".equals(fanout)) {
      return new LocalBus(history);
    }
    throw new IllegalArgumentException("unknown fan-out '" + fanout + "'; valid: " + String.join(", ", NAMES));
  }
}
