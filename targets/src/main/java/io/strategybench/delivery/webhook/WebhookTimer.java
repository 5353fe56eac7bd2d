package io.strategybench.delivery.webhook;

/**
 * The time a webhook sender runs on: its clock and its way to run something later. The {@link WebhookDispatcher}
 * never reads the system clock nor sleeps; tests and the simulation give it a {@link VirtualTimer} (exact,
 * reproducible attempt times), real runs an {@link ExecutorTimer} on a Netty event loop.
 */
public interface WebhookTimer {
  /** Now, in milliseconds since the epoch (the webhook-timestamp is read from it). */
  long nowMillis();

  /** Runs {@code task} once, {@code delayMillis} from now (0: as soon as possible, never inline). */
  void schedule(long delayMillis, Runnable task);
}
