package io.strategybench.delivery;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.strategybench.scenario.Injection;
import io.strategybench.scenario.LoadConfig;
import io.strategybench.scenario.Phases;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event delivery: {@code subscribers} clients receive events from the target instances over one {@code channel}
 * while a publisher posts {@code publish.rate} events a second; every event should reach every subscriber, and
 * {@link DeliveryRecorder} counts how late (event to client), how many were missed (gaps) or came twice
 * (duplicates), and what it cost (requests, reconnects, payload bytes).
 *
 * <p>Shape: the subscribers connect and stay for the whole run; the warm-up publisher runs {@code warmup} seconds
 * (its events are not counted); once every subscriber is connected (at most 30 s) one user resets every instance
 * ({@code POST /_/reset?gc=true}) and the measured phase starts: the publisher at the rate for {@code duration}
 * seconds, then {@code drain} seconds for late events, then the subscribers close (a long poll in flight ends
 * first, up to {@code poll.wait} later). Every request carries
 * {@code X-Bench-Phase}. At the end the figures are written to {@code delivery.out} as JSON.
 *
 * <p>Subscriber {@code i} is pinned to instance {@code i mod n} and reconnects to that same instance after a drop or
 * refusal (as behind a sticky balancer), resuming after the last id it received (ids are opaque: passed back, never
 * parsed). The poll channels are Gatling HTTP requests in a loop; the push channels ({@code sse}, {@code websocket})
 * are a Netty client of their own ({@link PushSubscribers}, which says why) driven from the subscribers' virtual
 * users. The publisher posts round-robin on the instances; a publish an instance refuses or fails is tried on the
 * next ones in turn.
 *
 * <p>Knobs (system properties):
 *
 * <ul>
 *   <li>{@code instances}: comma-separated base URLs of the target instances (default {@code target.url})
 *   <li>{@code channel}: {@code short-poll}, {@code long-poll}, {@code sse}, {@code websocket} (default sse) or
 *       {@code webhook}: no subscribers here, only the publisher (the instances POST each event to receivers the
 *       harness runs; they count what arrives)
 *   <li>{@code subscribers}: subscribers (default 20)
 *   <li>{@code publish.rate}: events published a second (default 50)
 *   <li>{@code poll.interval}: short-poll: milliseconds between a poll's answer and the next poll (default 1000)
 *   <li>{@code poll.wait}: long-poll: seconds the target may hold a poll (default 10, at most 12: Gatling's request
 *       timeout is 15 s in gatling.conf)
 *   <li>{@code reconnect}: milliseconds a subscriber waits before reconnecting (or polling again) after a drop,
 *       a refusal or a failed poll (default 1000)
 *   <li>{@code duration}, {@code warmup}: seconds of the measured phase and of the warm-up ({@link LoadConfig})
 *   <li>{@code drain}: seconds the subscribers go on receiving after the last measured publish (default 2)
 *   <li>{@code drain.max}: then, seconds at most to wait for every subscriber to have every measured event (a
 *       subscriber of a killed instance catches up once it is back); what is still missing then is a gap (default
 *       30)
 *   <li>{@code data.bytes}: characters of each event's data (default 100)
 *   <li>{@code delivery.out}: file the results are written to as JSON (default {@code delivery.json})
 *   <li>{@code delivery.hlog}: HdrHistogram log of event-to-client latency, microseconds, one interval a second
 *       (none by default)
 *   <li>{@code client.threads}: event-loop threads of the push channels' client (default 2)
 *   <li>{@code max.message}: bytes a push message (an event stream's line, a WebSocket message) may have
 *       (default 1 MiB)
 * </ul>
 */
public class DeliverySimulation extends Simulation {
  private static final List<String> CHANNELS = List.of("short-poll", "long-poll", "sse", "websocket", "webhook");

  private final LoadConfig config = new LoadConfig();
  private final List<String> instances = Arrays.stream(
          LoadConfig.property("instances", config.targetUrl).split(","))
      .map(String::trim).filter(u -> !u.isEmpty()).map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
      .toList();
  private final String channel = LoadConfig.property("channel", "sse").trim().toLowerCase(Locale.ROOT);
  private final int subscribers = LoadConfig.positiveInt("subscribers", 20);
  private final double publishRate = LoadConfig.number("publish.rate", 50, 0.001, 1_000_000);
  private final int pollInterval = (int) LoadConfig.number("poll.interval", 1000, 0, 3_600_000);
  private final int pollWait = (int) LoadConfig.number("poll.wait", 10, 0, 12);
  private final int reconnect = (int) LoadConfig.number("reconnect", 1000, 0, 3_600_000);
  private final int drain = (int) LoadConfig.number("drain", 2, 0, 600);
  private final int drainMax = (int) LoadConfig.number("drain.max", 30, 0, 600);
  private final int dataBytes = (int) LoadConfig.number("data.bytes", 100, 0, 16 << 20);
  private final String out = LoadConfig.property("delivery.out", "delivery.json");
  private final String hlog = LoadConfig.property("delivery.hlog", "");
  private final int clientThreads = LoadConfig.positiveInt("client.threads", 2);
  private final int maxMessage = LoadConfig.positiveInt("max.message", 1 << 20);

  private final boolean webhook = channel.equals("webhook");
  private final DeliveryRecorder recorder;
  private final PushSubscribers push;
  private final String data;

  {
    if (instances.isEmpty()) {
      throw new IllegalArgumentException("instances names no target");
    }
    if (!CHANNELS.contains(channel)) {
      throw new IllegalArgumentException("channel must be one of " + CHANNELS + ", got '" + channel + "'");
    }
    data = "x".repeat(dataBytes);
    recorder = DeliveryRecorder.open(subscribers, hlog, settings());
    push = switch (channel) {
      case "sse" -> new PushSubscribers(PushSubscribers.Kind.SSE, recorder, instances, reconnect,
          Math.max(maxMessage, dataBytes * 2 + 256), clientThreads);
      case "websocket" -> new PushSubscribers(PushSubscribers.Kind.WEBSOCKET, recorder, instances, reconnect,
          Math.max(maxMessage, dataBytes * 2 + 256), clientThreads);
      default -> null;
    };

    List<PopulationBuilder> control = new ArrayList<>();
    if (config.warmup > 0) {
      control.add(scenario("warmup").exec(publish("warmup", false))
          .injectOpen(Injection.constant(publishRate, config.warmup).steps()).protocols(publisherProtocol()));
    }
    control.add(scenario("reset").exec(reset()).injectOpen(atOnceUsers(1)).protocols(publisherProtocol()));
    control.add(scenario("publisher").exec(publish("publish", true))
        .injectOpen(Injection.constant(publishRate, config.duration).steps()).protocols(publisherProtocol()));
    control.add(scenario("drain").exec(pause(Duration.ofSeconds(drain)),
        exec(session -> session.set("drainDeadline", System.nanoTime() + drainMax * 1_000_000_000L)),
        asLongAs(session -> !webhook && !recorder.caughtUp() && System.nanoTime() < session.getLong("drainDeadline"))
            .on(pause(Duration.ofMillis(100))),
        exec(session -> {
          recorder.finish();
          return session;
        })).injectOpen(atOnceUsers(1)).protocols(publisherProtocol()));
    PopulationBuilder chain = control.get(control.size() - 1);
    for (int i = control.size() - 2; i >= 0; i--) {
      chain = control.get(i).andThen(chain);
    }
    PopulationBuilder subscribing = scenario("subscribers").exec(feed(subscriberIndexes()), subscriber())
        .injectOpen(atOnceUsers(subscribers)).protocols(subscriberProtocol());
    // webhooks: the instances POST to receivers of the harness's own; Gatling only publishes
    setUp(webhook ? List.of(chain) : List.of(subscribing, chain))
        .maxDuration(Duration.ofSeconds(config.warmup + 30L + config.duration + drain + drainMax + pollWait + 120L));
  }

  /** The run's settings as JSON members (the results file and the log's header carry them). */
  private String settings() {
    return String.format(Locale.ROOT, "\"instances\": %d, \"publishRate\": %s, \"durationSeconds\": %d,"
            + " \"warmupSeconds\": %d, \"pollIntervalMillis\": %d, \"pollWaitSeconds\": %d, \"reconnectMillis\": %d,"
            + " \"dataBytes\": %d", instances.size(), publishRate, config.duration, config.warmup, pollInterval,
        pollWait, reconnect, dataBytes);
  }

  /** The publisher and the reset: connections shared, as one client. */
  private HttpProtocolBuilder publisherProtocol() {
    return http.baseUrl(instances.get(0)).shareConnections().disableWarmUp().disableCaching().acceptHeader("*/*")
        .userAgentHeader("StrategyBench/Gatling");
  }

  /** The subscribers: each its own connections, as separate clients. */
  private HttpProtocolBuilder subscriberProtocol() {
    return http.baseUrl(instances.get(0)).disableWarmUp().disableCaching().acceptHeader("*/*")
        .userAgentHeader("StrategyBench/Gatling");
  }

  private Iterator<Map<String, Object>> subscriberIndexes() {
    AtomicInteger next = new AtomicInteger();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        return Map.of("sub", next.getAndIncrement());
      }
    };
  }

  /**
   * One event published: posted to the next instance in turn, then to the ones after it while they refuse or fail
   * it; a measured one recorded (the target's answer is the event, its sequence number among them).
   */
  private ChainBuilder publish(String name, boolean measured) {
    AtomicLong turn = new AtomicLong();
    int n = instances.size();
    return exec(session -> session.set("pubBase", turn.getAndIncrement()).set("pubTry", 0).set("pubDone", false))
        .asLongAs(session -> !session.getBoolean("pubDone") && session.getInt("pubTry") < n).on(
            exec(http(name).post(session -> instances.get(
                    (int) ((session.getLong("pubBase") + session.getInt("pubTry")) % n)) + "/publish")
                .header(Phases.HEADER, measured ? Phases.MEASURED : Phases.WARMUP)
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(StringBody(data))
                .check(status().is(201), bodyString().saveAs("pubBody"))),
            exec(session -> published(session, measured)))
        .exec(session -> {
          if (measured && !session.getBoolean("pubDone")) {
            recorder.publishLost();
          }
          return session;
        });
  }

  private Session published(Session session, boolean measured) {
    boolean ok = !session.isFailed() && session.contains("pubBody");
    if (ok && measured) {
      try {
        recorder.published(ReceivedEvent.parse(session.getString("pubBody").trim()).seq());
      } catch (IllegalArgumentException e) {
        ok = false;
      }
    }
    if (!ok && measured) {
      recorder.publishFailed();
    }
    Session next = session.markAsSucceeded().remove("pubBody");
    return ok ? next.set("pubDone", true) : next.set("pubTry", session.getInt("pubTry") + 1);
  }

  /** Waits for every subscriber to be connected (30 s at most), resets every instance, starts the measured phase. */
  private ChainBuilder reset() {
    ChainBuilder chain = exec(session -> session.set("connectDeadline", System.nanoTime() + 30_000_000_000L))
        .asLongAs(session -> !webhook && recorder.connectedCount() < subscribers
            && System.nanoTime() < session.getLong("connectDeadline"))
        .on(pause(Duration.ofMillis(50)))
        .exec(session -> {
          int connected = recorder.connectedCount();
          if (!webhook && connected < subscribers) {
            System.err.println("delivery: only " + connected + " of " + subscribers
                + " subscribers connected after 30 s; measuring anyway");
          }
          return session;
        });
    for (int i = 0; i < instances.size(); i++) {
      chain = chain.exec(http("reset-" + i).post(instances.get(i) + "/_/reset?gc=true"));
    }
    return chain.exec(session -> {
      System.gc();
      recorder.measuredPhaseStarts();
      return session;
    });
  }

  /** A subscriber's virtual user: polls in a loop, or keeps its push connection open, until the run is over. */
  private ChainBuilder subscriber() {
    if (push != null) {
      return exec(session -> {
        push.start(session.getInt("sub"));
        return session;
      }).asLongAs(session -> !recorder.finished()).on(pause(Duration.ofMillis(100)))
          .exec(session -> {
            push.stop(session.getInt("sub"));
            return session;
          });
    }
    boolean longPoll = channel.equals("long-poll");
    int wait = longPoll ? pollWait : 0;
    ChainBuilder afterAnswer = longPoll || pollInterval == 0 ? exec(session -> session)
        : exec(pause(Duration.ofMillis(pollInterval)));
    return exec(session -> session.set("last", "").set("pollFailed", false))
        .asLongAs(session -> !recorder.finished()).on(
            exec(http("poll").get(session -> pollUrl(session, wait))
                .header(Phases.HEADER, session -> recorder.phase())
                .check(status().is(200), bodyString().saveAs("pollBody"))),
            exec(this::polled),
            doIfOrElse(session -> session.getBoolean("pollFailed"))
                .then(exec(pause(Duration.ofMillis(reconnect))))
                .orElse(afterAnswer));
  }

  private String pollUrl(Session session, int wait) {
    String base = instances.get(session.getInt("sub") % instances.size());
    String last = session.getString("last");
    // the first poll asks, at once, where "now" is: a subscriber receives what is published after it connects
    return base + "/poll?" + (last.isEmpty() ? "wait=0"
        : "after=" + URLEncoder.encode(last, StandardCharsets.UTF_8) + "&wait=" + wait);
  }

  private Session polled(Session session) {
    long now = DeliveryRecorder.nowMicros();
    int sub = session.getInt("sub");
    recorder.request(sub);
    PollReply reply = null;
    if (!session.isFailed() && session.contains("pollBody")) {
      String body = session.getString("pollBody");
      recorder.bytes(sub, body.getBytes(StandardCharsets.UTF_8).length);
      try {
        reply = PollReply.parse(body);
      } catch (IllegalArgumentException e) {
        System.err.println("delivery: a poll's answer that is not one: " + e.getMessage());
      }
    }
    Session next = session.markAsSucceeded().remove("pollBody");
    if (reply == null) {
      recorder.connectFailed(sub);
      return next.set("pollFailed", true);
    }
    recorder.connected(sub);
    for (ReceivedEvent e : reply.events()) {
      recorder.received(sub, e, now);
    }
    return next.set("last", reply.last()).set("pollFailed", false);
  }

  @Override
  public void after() {
    recorder.finish();
    if (push != null) {
      push.close();
    }
    recorder.close();
    DeliveryRecorder.Summary summary = recorder.summary(config.duration);
    summary.write(Path.of(out), channel, settings());
    System.out.println("delivery: " + channel + " " + subscribers + " subscribers: published "
        + summary.published() + ", delivered " + summary.totalDelivered() + " of "
        + summary.published() * subscribers + ", gaps " + summary.totalGaps() + ", duplicates "
        + summary.totalDuplicates() + "; results in " + out);
  }
}
