package io.strategybench.delivery.webhook;

import io.strategybench.delivery.Event;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Sends each published event to every subscription's URL, signed (Standard Webhooks), retried by a
 * {@link RetryPolicy}, and dead-lettered when the policy gives up: the sender side of the {@code webhook} channel.
 *
 * <p>Per (subscription, event) there is one <em>delivery</em>: one message id ({@code msg_<event id>}, the same on
 * every retry, so a receiver deduplicates on {@code webhook-id}), one body ({@link WebhookPayload}), and a fresh
 * {@code webhook-timestamp} and signature on every attempt. A delivery ends <em>delivered</em> (a 2xx) or
 * <em>dead-lettered</em> (into the {@link DeadLetterQueue}, with its attempts and last reason); once nothing is in
 * flight, {@code delivered + deadLettered = deliveries = published × subscriptions}.
 *
 * <p>Bounds, per endpoint: at most {@link Config#maxInFlightPerEndpoint()} requests on the wire at once (a slow
 * receiver gets that many connections from us, no more); at most {@link Config#maxPendingPerEndpoint()} deliveries
 * unsettled (on the wire, queued, or waiting to retry). A new event beyond that is dead-lettered at once with the
 * reason {@value #QUEUE_FULL}: a receiver that is down for long cannot grow the sender's memory without limit.
 *
 * <p>Time comes only from the {@link WebhookTimer} and requests go only through the {@link WebhookTransport}, so a
 * {@link VirtualTimer} and a scripted transport replay exact schedules. Thread-safe: one lock guards the state;
 * transport completions and timer tasks may arrive on any thread.
 */
public final class WebhookDispatcher {
  /** The dead-letter reason for an event that found its endpoint's queue full. */
  public static final String QUEUE_FULL = "queue full";

  /**
   * The dispatcher's parameters.
   *
   * @param policy retries and backoff
   * @param timeoutMillis how long one attempt may take, connecting included
   * @param maxInFlightPerEndpoint requests on the wire at once per endpoint
   * @param maxPendingPerEndpoint unsettled deliveries per endpoint (sending, queued, waiting to retry)
   * @param deadLetterCapacity entries the dead-letter queue keeps
   * @param recordAttempts keep a record of every attempt (tests, simulation); off for load runs
   */
  public record Config(RetryPolicy policy, long timeoutMillis, int maxInFlightPerEndpoint, int maxPendingPerEndpoint,
      int deadLetterCapacity, boolean recordAttempts) {
    public Config {
      if (policy == null) {
        throw new IllegalArgumentException("a webhook dispatcher needs a retry policy");
      }
      if (timeoutMillis < 1) {
        throw new IllegalArgumentException("timeoutMillis must be 1 or more, got " + timeoutMillis);
      }
      if (maxInFlightPerEndpoint < 1) {
        throw new IllegalArgumentException("maxInFlightPerEndpoint must be 1 or more, got " + maxInFlightPerEndpoint);
      }
      if (maxPendingPerEndpoint < maxInFlightPerEndpoint) {
        throw new IllegalArgumentException("maxPendingPerEndpoint (" + maxPendingPerEndpoint
            + ") must be at least maxInFlightPerEndpoint (" + maxInFlightPerEndpoint + ")");
      }
    }

    /** The policy with a 5 s timeout, 16 in flight and 10,000 pending per endpoint, 10,000 dead letters kept. */
    public static Config of(RetryPolicy policy) {
      return new Config(policy, 5_000, 16, 10_000, DeadLetterQueue.DEFAULT_CAPACITY, false);
    }

    public Config withTimeoutMillis(long millis) {
      return new Config(policy, millis, maxInFlightPerEndpoint, maxPendingPerEndpoint, deadLetterCapacity,
          recordAttempts);
    }

    public Config withBounds(int inFlight, int pending) {
      return new Config(policy, timeoutMillis, inFlight, pending, deadLetterCapacity, recordAttempts);
    }

    public Config withAttemptRecords(boolean record) {
      return new Config(policy, timeoutMillis, maxInFlightPerEndpoint, maxPendingPerEndpoint, deadLetterCapacity,
          record);
    }
  }

  /**
   * One attempt, as recorded when {@link Config#recordAttempts()} is on.
   *
   * @param subscriptionId the endpoint's subscription
   * @param eventId the event
   * @param attempt 1, 2, ... for this delivery
   * @param sentAtMillis when it was sent, on the timer's clock
   * @param answeredAtMillis when its result came
   * @param result the result in words ({@link WebhookResponse#describe()})
   * @param outcome what the policy made of it
   * @param nextDelayMillis for a retry, the wait before the next attempt; else 0
   */
  public record AttemptRecord(String subscriptionId, String eventId, int attempt, long sentAtMillis,
      long answeredAtMillis, String result, RetryPolicy.Outcome outcome, long nextDelayMillis) {}

  private static final class Endpoint {
    final WebhookSubscription subscription;
    final WebhookSignature signer;
    final ArrayDeque<Delivery> ready = new ArrayDeque<>();
    boolean enabled = true;
    boolean pumping;
    int sending;
    int pending;

    Endpoint(WebhookSubscription subscription) {
      this.subscription = subscription;
      this.signer = new WebhookSignature(subscription.secret());
    }
  }

  private static final class Delivery {
    final Endpoint endpoint;
    final Event event;
    final String msgId;
    final byte[] body;
    boolean admitted; // counted in the endpoint's pending
    int attempts;

    Delivery(Endpoint endpoint, Event event, String msgId, byte[] body) {
      this.endpoint = endpoint;
      this.event = event;
      this.msgId = msgId;
      this.body = body;
    }
  }

  private final Object lock = new Object();
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final WebhookTransport transport;
  private final WebhookTimer timer;
  private final Config config;
  private final RandomGenerator random;
  private final DeadLetterQueue deadLetters;
  private final List<AttemptRecord> records = new ArrayList<>();
  private long published;
  private long deliveries;
  private long delivered;
  private long deadLettered;
  private long attempts;
  private long retries;
  private long disabledEndpoints;
  private long inFlight;
  private long sending;

  /**
   * @param subscriptions the endpoints every event goes to (ids must differ)
   * @param random the jitter's source; seed it for reproducible runs
   */
  public WebhookDispatcher(List<WebhookSubscription> subscriptions, WebhookTransport transport, WebhookTimer timer,
      Config config, RandomGenerator random) {
    for (WebhookSubscription s : subscriptions) {
      for (Endpoint e : endpoints) {
        if (e.subscription.id().equals(s.id())) {
          throw new IllegalArgumentException("two webhook subscriptions have the id '" + s.id() + "'; ids must differ");
        }
      }
      endpoints.add(new Endpoint(s));
    }
    this.transport = transport;
    this.timer = timer;
    this.config = config;
    this.random = random;
    this.deadLetters = new DeadLetterQueue(config.deadLetterCapacity());
  }

  /** The message id of an event's delivery: the same for every attempt and every subscriber. */
  public static String messageId(Event event) {
    return "msg_" + event.id();
  }

  /** Starts delivering {@code event} to every subscription (a disabled one dead-letters it at once). */
  public void publish(Event event) {
    byte[] body = WebhookPayload.encode(event);
    String msgId = messageId(event);
    synchronized (lock) {
      published++;
      for (Endpoint endpoint : endpoints) {
        deliveries++;
        inFlight++;
        Delivery d = new Delivery(endpoint, event, msgId, body);
        if (!endpoint.enabled) {
          deadLetter(d, RetryPolicy.DISABLED_REASON);
        } else if (endpoint.pending >= config.maxPendingPerEndpoint()) {
          deadLetter(d, QUEUE_FULL);
        } else {
          endpoint.pending++;
          d.admitted = true;
          endpoint.ready.addLast(d);
          pump(endpoint);
        }
      }
    }
  }

  // Sends queued deliveries while the endpoint has room on the wire. A transport that completes inline re-enters
  // through onResult; the pumping flag keeps that from recursing (the outer loop goes on).
  private void pump(Endpoint endpoint) {
    if (endpoint.pumping) {
      return;
    }
    endpoint.pumping = true;
    try {
      while (endpoint.sending < config.maxInFlightPerEndpoint() && !endpoint.ready.isEmpty()) {
        send(endpoint.ready.pollFirst());
      }
    } finally {
      endpoint.pumping = false;
    }
  }

  private void send(Delivery d) {
    Endpoint endpoint = d.endpoint;
    endpoint.sending++;
    sending++;
    d.attempts++;
    attempts++;
    if (d.attempts > 1) {
      retries++;
    }
    long sentAt = timer.nowMillis();
    long timestamp = Math.floorDiv(sentAt, 1000L);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.put(WebhookSignature.ID_HEADER, d.msgId);
    headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
    headers.put(WebhookSignature.SIGNATURE_HEADER, endpoint.signer.sign(d.msgId, timestamp, d.body));
    CompletionStage<WebhookResponse> answer;
    try {
      answer = transport.post(endpoint.subscription.url(), headers, d.body, config.timeoutMillis());
    } catch (RuntimeException e) {
      onResult(d, sentAt, WebhookResponse.failed(WebhookResponse.Failure.NOT_SENT, String.valueOf(e)));
      return;
    }
    answer.whenComplete((response, error) -> onResult(d, sentAt, response != null ? response
        : WebhookResponse.failed(WebhookResponse.Failure.CONNECTION_RESET, "transport error: " + error)));
  }

  private void onResult(Delivery d, long sentAt, WebhookResponse response) {
    synchronized (lock) {
      Endpoint endpoint = d.endpoint;
      endpoint.sending--;
      sending--;
      long now = timer.nowMillis();
      RetryPolicy.Decision decision = config.policy().decide(response, d.attempts, now, random);
      if (config.recordAttempts()) {
        records.add(new AttemptRecord(endpoint.subscription.id(), d.event.id(), d.attempts, sentAt, now,
            response.describe(), decision.outcome(), decision.delayMillis()));
      }
      switch (decision.outcome()) {
        case DELIVERED -> {
          delivered++;
          settle(d);
        }
        case DEAD_LETTER -> deadLetter(d, decision.reason());
        case DISABLE -> disable(d);
        case RETRY -> {
          if (!endpoint.enabled) {
            deadLetter(d, RetryPolicy.DISABLED_REASON);
          } else {
            timer.schedule(decision.delayMillis(), () -> retryDue(d));
          }
        }
        default -> throw new IllegalStateException("unknown outcome " + decision.outcome());
      }
      pump(endpoint);
    }
  }

  private void disable(Delivery d) {
    Endpoint endpoint = d.endpoint;
    if (endpoint.enabled) {
      endpoint.enabled = false;
      disabledEndpoints++;
    }
    deadLetter(d, RetryPolicy.DISABLED_REASON);
    while (!endpoint.ready.isEmpty()) {
      deadLetter(endpoint.ready.pollFirst(), RetryPolicy.DISABLED_REASON);
    }
  }

  private void retryDue(Delivery d) {
    synchronized (lock) {
      Endpoint endpoint = d.endpoint;
      if (!endpoint.enabled) {
        deadLetter(d, RetryPolicy.DISABLED_REASON);
        return;
      }
      endpoint.ready.addLast(d);
      pump(endpoint);
    }
  }

  private void deadLetter(Delivery d, String reason) {
    deadLettered++;
    deadLetters.add(new DeadLetterQueue.Entry(d.endpoint.subscription.id(), d.event.id(), d.event.seq(), d.attempts,
        reason, timer.nowMillis()));
    settle(d);
  }

  private void settle(Delivery d) {
    if (d.admitted) {
      d.endpoint.pending--;
    }
    inFlight--;
    if (inFlight == 0) {
      lock.notifyAll();
    }
  }

  /** Counters: published, deliveries, delivered, deadLettered, attempts, retries, disabledEndpoints, inFlight, sending. */
  public Map<String, Long> stats() {
    synchronized (lock) {
      Map<String, Long> stats = new LinkedHashMap<>();
      stats.put("published", published);
      stats.put("deliveries", deliveries);
      stats.put("delivered", delivered);
      stats.put("deadLettered", deadLettered);
      stats.put("attempts", attempts);
      stats.put("retries", retries);
      stats.put("disabledEndpoints", disabledEndpoints);
      stats.put("inFlight", inFlight);
      stats.put("sending", sending);
      stats.put("deadLettersDropped", deadLetters.dropped());
      return stats;
    }
  }

  /** The deliveries given up on. */
  public DeadLetterQueue deadLetters() {
    return deadLetters;
  }

  /** Every attempt so far, in the order results came (empty unless {@link Config#recordAttempts()}). */
  public List<AttemptRecord> attemptRecords() {
    synchronized (lock) {
      return List.copyOf(records);
    }
  }

  /** False once the subscription's endpoint answered {@code 410 Gone}. */
  public boolean isEnabled(String subscriptionId) {
    synchronized (lock) {
      for (Endpoint e : endpoints) {
        if (e.subscription.id().equals(subscriptionId)) {
          return e.enabled;
        }
      }
    }
    throw new IllegalArgumentException("no webhook subscription has the id '" + subscriptionId + "'");
  }

  /** Waits until every delivery is delivered or dead-lettered; false if the timeout passed first. */
  public boolean awaitSettled(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (lock) {
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }
}
