package io.strategybench.delivery;

/**
 * {@code bench serve} options of the delivery stage: the fan-out between instances, the Redis it uses, how many
 * subscribers an instance holds. Declared in {@code DeliveryOptions.options.yaml}.
 */
record DeliveryOptions(String fanout, String redisUrl, String namespace, int maxSubscribers, int history,
    boolean webhookAnyHost) {
  /** The fan-out these options name. */
  EventBus openBus() {
    try {
      return Buses.open(fanout, redisUrl, namespace, history);
    } catch (IllegalStateException e) {
      // a Redis nobody runs is the user's input to fix (--fanout-redis), not a failure of the server
      throw new IllegalArgumentException("--fanout-redis: " + e.getMessage(), e);
    }
  }
}
