package io.strategybench.delivery;

import io.strategybench.delivery.webhook.RetryPolicy;
import io.strategybench.delivery.webhook.WebhookDispatcher;
import io.strategybench.delivery.webhook.WebhookPayload;
import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategySettings;

/**
 * Webhooks: the target POSTs each event to every subscriber's URL, signed as the Standard Webhooks specification
 * has it ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,...}), retried with exponential
 * backoff and jitter on 5xx, 429, timeouts and refused connections, given up on at once for other 4xx, and stopped
 * for good on {@code 410 Gone}; what is given up on lands in a dead-letter queue. The sender is a
 * {@link WebhookDispatcher}; the receiver a {@code WebhookReceiverServer}. Models: Stripe's webhooks and the Standard
 * Webhooks specification (standardwebhooks.com).
 */
@Strategy(name = "webhook", summary = "POST to each subscriber's URL, signed (Standard Webhooks), retried with"
    + " backoff and jitter, dead-lettered when the retries run out or the endpoint answers 410",
    characteristics = {DeliveryChannel.PUSH, DeliveryChannel.SERVER_TO_SERVER})
public final class Webhook implements DeliveryChannel {
  /** A webhook sender's parameters. */
  public static final class Settings implements StrategySettings {
    @Setting(description = "attempts per event and subscriber, the first included", min = 1, max = 100)
    public int maxAttempts = 8;

    @Setting(description = "milliseconds before the first retry", min = 0, max = 3_600_000)
    public long initialDelayMillis = 500;

    @Setting(description = "growth of the wait per failed attempt", min = 1, max = 10)
    public double multiplier = 2;

    @Setting(description = "longest wait between two attempts, milliseconds (Retry-After included)", min = 0,
        max = 86_400_000)
    public long maxDelayMillis = 60_000;

    @Setting(description = "share of a wait taken off at random (0: exact waits)", min = 0, max = 1)
    public double jitter = 0.2;

    @Setting(description = "milliseconds one attempt may take, connecting included", min = 1, max = 600_000)
    public long timeoutMillis = 5_000;

    @Setting(description = "seconds a receiver accepts between a request's webhook-timestamp and its clock",
        min = 0, max = 86_400)
    public long toleranceSeconds = 300;
  }

  private final Settings settings;

  public Webhook() {
    this(new Settings());
  }

  public Webhook(Settings settings) {
    this.settings = settings;
  }

  /** The retry policy the settings describe. */
  public RetryPolicy policy() {
    return new RetryPolicy(settings.maxAttempts, settings.initialDelayMillis, settings.multiplier,
        settings.maxDelayMillis, settings.jitter);
  }

  public long timeoutMillis() {
    return settings.timeoutMillis;
  }

  public long toleranceSeconds() {
    return settings.toleranceSeconds;
  }

  @Override
  public String endpoint() {
    return "subscriber URL";
  }

  @Override
  public byte[] encode(Event event) {
    return WebhookPayload.encode(event);
  }
}
