package io.strategybench.delivery.webhook;

import io.strategybench.delivery.Event;
import io.strategybench.delivery.Webhook;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The webhook subscriptions of one target instance, registered while it runs ({@code POST /subscriptions}): one
 * {@link WebhookDispatcher} per subscription (its retries, bounds and dead letters its own), a shared Netty sender
 * and one timer thread. The instance that takes a publish sends its webhooks; subscriptions are registered on every
 * instance that may take publishes.
 */
public final class WebhookSubscriptions implements AutoCloseable {
  /** Subscriptions an instance holds at most. */
  public static final int MAX = 1000;

  private final Webhook channel;
  private final boolean loopbackOnly;
  private final Map<String, WebhookDispatcher> dispatchers = new ConcurrentHashMap<>();
  private NettyWebhookTransport transport;
  private ScheduledExecutorService timer;
  private long seed = 1;
  private int generated;
  private boolean closed;

  /**
   * @param channel the webhook channel's parameters (retry policy, timeout, tolerance)
   * @param loopbackOnly whether subscriber URLs must be loopback (tests and load runs)
   */
  public WebhookSubscriptions(Webhook channel, boolean loopbackOnly) {
    this.channel = channel;
    this.loopbackOnly = loopbackOnly;
  }

  /**
   * Registers a subscriber; throws {@link IllegalArgumentException} naming what is wrong with the URL, the secret or
   * the id (a duplicate, the limit).
   */
  public synchronized WebhookSubscription subscribe(String id, String url, String secret) {
    if (closed) {
      throw new IllegalStateException("the webhook subscriptions are closed (the server is stopping)");
    }
    if (id == null || id.isBlank()) {
      do {
        id = "sub_" + (++generated);
      } while (dispatchers.containsKey(id));
    }
    WebhookSubscription s = WebhookSubscription.of(id, url, secret, loopbackOnly);
    if (dispatchers.containsKey(s.id())) {
      throw new IllegalArgumentException("a webhook subscription with the id '" + s.id() + "' exists already");
    }
    if (dispatchers.size() >= MAX) {
      throw new IllegalArgumentException("this instance holds its most webhook subscriptions (" + MAX + ")");
    }
    if (transport == null) {
      transport = new NettyWebhookTransport(16, Math.min(channel.timeoutMillis(), 5000));
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webhook-timer");
        t.setDaemon(true);
        return t;
      });
    }
    WebhookDispatcher.Config config = WebhookDispatcher.Config.of(channel.policy())
        .withTimeoutMillis(channel.timeoutMillis());
    dispatchers.put(s.id(), new WebhookDispatcher(java.util.List.of(s), transport, new ExecutorTimer(timer), config,
        new SplittableRandom(seed++)));
    return s;
  }

  /** Sends {@code event} to every subscription. */
  public void publish(Event event) {
    for (WebhookDispatcher d : dispatchers.values()) {
      d.publish(event);
    }
  }

  public int size() {
    return dispatchers.size();
  }

  /** Summed over the subscriptions, with each one's own. */
  public Map<String, Object> stats() {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Long> total = new LinkedHashMap<>();
    Map<String, Object> each = new LinkedHashMap<>();
    for (Map.Entry<String, WebhookDispatcher> e : dispatchers.entrySet()) {
      Map<String, Long> s = e.getValue().stats();
      s.forEach((k, v) -> total.merge(k, v, Long::sum));
      each.put(e.getKey(), s);
    }
    out.put("subscriptions", dispatchers.size());
    out.putAll(total);
    out.put("bySubscription", each);
    return out;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (transport != null) {
      transport.close();
    }
  }
}
