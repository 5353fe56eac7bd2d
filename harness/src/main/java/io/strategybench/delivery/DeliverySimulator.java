package io.strategybench.delivery;

import io.strategybench.strategy.Strategy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntToLongFunction;
import org.HdrHistogram.Histogram;

/**
 * Real-time delivery on a virtual clock: subscribers pinned to instances get events published on random instances
 * through a channel ({@code short-poll}, {@code long-poll}, {@code sse}, {@code websocket}, {@code webhook}) and a
 * fan-out ({@code local}, {@code redis-pubsub}, {@code redis-streams}); how stale, at what cost in requests, bytes and
 * open connections, and what a dead instance or a failing webhook receiver loses. Deterministic for a seed: one
 * {@link SplittableRandom}, a priority queue of timed events, no threads, no real time. The channel is simulated by
 * its {@link DeliveryChannel characteristics}, never by its name (the name only picks the channel's encoding).
 *
 * <p><b>Publishing.</b> Events are published at Poisson times at {@code eventsPerSecond} during
 * {@code durationSeconds} (or at the times of an explicit {@link Publish} list), each on a uniformly random instance.
 * An event publishes at once and reaches its own instance at once, every other instance {@code publishHopMillis}
 * later ({@code redis-pubsub}, {@code redis-streams}) or never ({@code local}: its loss is reported as
 * {@link Result#lostToFanout}). An instance hears events in sequence order, as the {@link EventBus} promises: one
 * that arrives before an earlier one waits for it (head-of-line, only when the hop is above 0). A publish that falls
 * on a dead instance goes to a uniformly random live instance instead (a load balancer's health check); with no live
 * instance it fails ({@link Result#publishFailed}; not published, not counted as lost).
 *
 * <p><b>Channels</b> (every message, request and answer takes {@code oneWayDelayMillis} on the wire, processing
 * included):
 * <ul>
 *   <li>{@link DeliveryChannel#PULL pull}: a short poller ({@code pull} without {@code holds-connection}) asks every
 *       {@code pollIntervalMillis} (its first poll at a uniformly random phase) for everything its instance holds
 *       after the last id it has; a long poller ({@code pull} and {@code holds-connection}) asks at once at the start
 *       and again as each answer arrives; the instance answers at once when it holds events after that id, else holds
 *       the request until one reaches it or {@code longPollTimeoutMillis} passes (then an empty answer).</li>
 *   <li>{@link DeliveryChannel#PUSH push} with {@code holds-connection} ({@code sse}, {@code websocket}): one stream
 *       per subscriber, opened at time 0; every event is sent as it reaches the instance.</li>
 *   <li>{@link DeliveryChannel#SERVER_TO_SERVER server-to-server} ({@code webhook}): the subscriber's instance POSTs
 *       each event as it reaches it; the receiver answers each attempt by the {@code webhookResults} pattern (attempt
 *       n gets element n, the last repeating) or 503 while a receiver outage lasts; 2xx is success, anything else
 *       (429 included: Retry-After is not modelled) is retried {@code retryDelayMillis(n)} after attempt n's answer
 *       came back, up to {@code maxAttempts} attempts in all, then dead-lettered.</li>
 * </ul>
 * Staleness is the time from publish to arrival at the client (for a webhook: the successful POST's arrival at the
 * receiver). A webhook that succeeds at attempt n is therefore {@code (2n - 1) * oneWayDelay + sum of the first n - 1
 * retry delays} stale (plus the hop).
 *
 * <p><b>An instance outage.</b> At {@code outageStartSeconds} the instance dies for {@code outageDownMillis}. Its
 * subscribers lose their connection and what was in flight to them (a reset connection), and come back
 * {@code outageDownMillis} plus their reconnect delay later ({@code reconnectMillis} for a stream: the SSE
 * {@code retry:} or a WebSocket client's back-off; {@code pollIntervalMillis} for pollers), to the same instance,
 * resuming from the last id they received ({@link DeliveryChannel#RESUMES resumes}; a stream that does not resume
 * gets only what comes after it reconnects). What the instance can replay then is the fan-out's: {@code redis-streams}
 * everything (the stream is in Redis), {@code redis-pubsub} only what it heard since it restarted, {@code local} only
 * what was published on it since it restarted (its history died with it). A webhook sender on the dead instance:
 * with {@code redis-streams} it resumes at the restart (sends what reached the stream meanwhile, and retries that fell
 * due), otherwise what reached it or fell due while it was dead is lost.
 *
 * <p><b>Counting.</b> Every subscriber should get every published event once. Each subscriber's received sequence
 * numbers are tracked in a {@link BitSet}: a second receipt counts as a duplicate, never as a delivery; at the end
 * {@code lost = published * subscribers - delivered - deadLettered}. Requests: every poll, stream opening
 * (SSE request, WebSocket upgrade) and webhook attempt. Bytes: request and response heads, the channel's real
 * encoding of each event ({@link DeliveryChannel#encode}), a poll answer's envelope, a WebSocket frame header, the
 * SSE stream's opening {@code retry:} line, a webhook's envelope and signature headers; SSE heartbeats and WebSocket
 * pings are not counted. A response is counted when it arrives (one cut by a crash is not). The run ends when
 * publishing is over and everything that can still be delivered has been (every subscriber caught up with what its
 * instance holds, every webhook delivered or dead-lettered); rates are over that run.
 */
public final class DeliverySimulator {
  private DeliverySimulator() {}

  /** The channels this simulator knows by name (their encodings), in the order of the family. */
  public static final List<String> CHANNELS = List.of("short-poll", "long-poll", "sse", "websocket", "webhook");

  /** The fan-outs. */
  public static final List<String> FANOUTS = List.of("local", "redis-pubsub", "redis-streams");

  /**
   * The webhook's characteristics (no webhook channel class exists in the targets yet: the simulator declares them
   * here).
   */
  public static final Set<String> WEBHOOK_CHARACTERISTICS =
      Set.of(DeliveryChannel.PUSH, DeliveryChannel.SERVER_TO_SERVER);

  /** Bytes a Standard Webhooks body adds around the event's JSON ({@code {"type":...,"timestamp":...,"data":...}}). */
  public static final int WEBHOOK_ENVELOPE_BYTES = 90;

  /** Bytes of a webhook's three signature headers ({@code webhook-id}, {@code webhook-timestamp},
   * {@code webhook-signature}), names and values. */
  public static final int WEBHOOK_SIGNATURE_HEADER_BYTES = 140;

  /** Publish times are this many microseconds since the epoch plus the virtual time (ids and JSON get real widths). */
  static final long EPOCH_MICROS = 1_733_300_000_000_000L;

  /**
   * One explicit publish (instead of Poisson arrivals).
   *
   * @param atMillis when, in milliseconds from the start of the run (0 up to the duration)
   * @param instance on which instance (rerouted to a live one when it is dead then)
   */
  public record Publish(double atMillis, int instance) {}

  /**
   * What to simulate. Build one from {@link #DEFAULT} with {@link #with}.
   *
   * @param channel one of {@link #CHANNELS}
   * @param fanout one of {@link #FANOUTS}
   * @param subscribers subscribers in all; subscriber i is pinned to instance {@code i mod instances}
   * @param instances target instances
   * @param eventsPerSecond the Poisson publish rate, events per second (ignored with explicit publishes)
   * @param durationSeconds how long events are published, seconds
   * @param oneWayDelayMillis every message's one-way time, network and processing, milliseconds (constant)
   * @param publishHopMillis extra time for an event to reach the other instances through Redis, milliseconds
   * @param pollIntervalMillis a short poller's interval, and a poller's reconnect delay, milliseconds
   * @param longPollTimeoutMillis how long an instance holds an empty long poll, milliseconds
   * @param reconnectMillis a stream's reconnect delay (the SSE {@code retry:}, a WebSocket client's back-off),
   *     milliseconds
   * @param requestHeadBytes bytes of an HTTP request's head (request line and headers); 120 by default, a small
   *     HTTP/1.1 GET
   * @param responseHeadBytes bytes of an HTTP response's head (status line and headers); 100 by default
   * @param eventDataBytes bytes of each event's data (ASCII)
   * @param outageInstance which instance dies
   * @param outageStartSeconds when it dies, seconds from the start
   * @param outageDownMillis how long it stays dead, milliseconds; 0: no outage
   * @param webhookResults the receiver's answer to attempt 1, 2, ... of every delivery (HTTP statuses; the last
   *     repeats)
   * @param receiverOutageStartSeconds when the webhook receiver starts answering 503 to everything, seconds
   * @param receiverOutageMillis for how long, milliseconds; 0: never
   * @param retryDelayMillis attempt n (from 1) failed: milliseconds until attempt n + 1
   * @param maxAttempts webhook attempts per delivery, the first included
   * @param publishes explicit publishes replacing the Poisson arrivals (empty: Poisson), sorted by time
   * @param seed seeds the arrivals, their instances, the reroutes and the short pollers' phases
   */
  public record Config(String channel, String fanout, int subscribers, int instances, double eventsPerSecond,
      double durationSeconds, double oneWayDelayMillis, double publishHopMillis, long pollIntervalMillis,
      long longPollTimeoutMillis, long reconnectMillis, int requestHeadBytes, int responseHeadBytes,
      int eventDataBytes, int outageInstance, double outageStartSeconds, long outageDownMillis,
      List<Integer> webhookResults, double receiverOutageStartSeconds, long receiverOutageMillis,
      IntToLongFunction retryDelayMillis, int maxAttempts, List<Publish> publishes, long seed) {
    /**
     * SSE, local fan-out, 100 subscribers on 1 instance, 10 events/s for 60 s, 5 ms one way, no hop; the channels'
     * own defaults (1 s poll interval, 30 s long-poll timeout, 1 s reconnect); 120 and 100 byte heads, 64 byte data;
     * no outage; webhook answers 200, retries after 1, 2, 4, ... s (capped at 1 h), 5 attempts; seed 1.
     */
    public static final Config DEFAULT = new Config("sse", "local", 100, 1, 10, 60, 5, 0,
        new ShortPoll().intervalMillis(), new LongPoll().timeoutMillis(), new Sse().retryMillis(), 120, 100, 64, 0, 0,
        0, List.of(200), 0, 0, DeliverySimulator::exponentialRetry, 5, List.of(), 1);

    public Config {
      if (!CHANNELS.contains(channel)) {
        throw new IllegalArgumentException("channel must be one of " + CHANNELS + ", got " + channel);
      }
      if (!FANOUTS.contains(fanout)) {
        throw new IllegalArgumentException("fan-out must be one of " + FANOUTS + ", got " + fanout);
      }
      if (subscribers < 1 || subscribers > 1_000_000) {
        throw new IllegalArgumentException("subscribers must be 1..1000000, got " + subscribers);
      }
      if (instances < 1 || instances > 10_000) {
        throw new IllegalArgumentException("instances must be 1..10000, got " + instances);
      }
      if (!(eventsPerSecond >= 0 && eventsPerSecond <= 1e7) || !(durationSeconds > 0 && durationSeconds <= 1e7)) {
        throw new IllegalArgumentException("events per second must be 0..1e7 and the duration 0..1e7 s, got "
            + eventsPerSecond + " and " + durationSeconds);
      }
      if (!(oneWayDelayMillis >= 0 && oneWayDelayMillis <= 1e7) || !(publishHopMillis >= 0
          && publishHopMillis <= 1e7)) {
        throw new IllegalArgumentException("the one-way delay and the publish hop must be 0..1e7 ms, got "
            + oneWayDelayMillis + " and " + publishHopMillis);
      }
      if (pollIntervalMillis < 1 || longPollTimeoutMillis < 1 || reconnectMillis < 0) {
        throw new IllegalArgumentException("the poll interval and long-poll timeout must be 1 ms or more and the"
            + " reconnect delay 0 or more, got " + pollIntervalMillis + ", " + longPollTimeoutMillis + ", "
            + reconnectMillis);
      }
      if (requestHeadBytes < 0 || responseHeadBytes < 0 || eventDataBytes < 0 || eventDataBytes > 1 << 20) {
        throw new IllegalArgumentException("head bytes must be 0 or more and data bytes 0..1 MiB");
      }
      if (outageDownMillis < 0 || (outageDownMillis > 0 && (outageInstance < 0 || outageInstance >= instances
          || !(outageStartSeconds >= 0)))) {
        throw new IllegalArgumentException("an outage needs an instance 0.." + (instances - 1)
            + ", a start of 0 s or more and a length of 0 ms or more, got instance " + outageInstance + " at "
            + outageStartSeconds + " s for " + outageDownMillis + " ms");
      }
      webhookResults = List.copyOf(webhookResults);
      if (webhookResults.isEmpty() || webhookResults.stream().anyMatch(s -> s < 100 || s > 599)) {
        throw new IllegalArgumentException("webhook results must be HTTP statuses 100..599, at least one, got "
            + webhookResults);
      }
      if (receiverOutageMillis < 0 || !(receiverOutageStartSeconds >= 0)) {
        throw new IllegalArgumentException("a receiver outage needs a start and a length of 0 or more");
      }
      if (retryDelayMillis == null || maxAttempts < 1 || maxAttempts > 1000) {
        throw new IllegalArgumentException("webhooks need a retry delay function and 1..1000 attempts, got "
            + maxAttempts);
      }
      publishes = List.copyOf(publishes);
      for (int i = 0; i < publishes.size(); i++) {
        Publish p = publishes.get(i);
        if (!(p.atMillis() >= 0 && p.atMillis() < durationSeconds * 1000) || p.instance() < 0
            || p.instance() >= instances || (i > 0 && p.atMillis() < publishes.get(i - 1).atMillis())) {
          throw new IllegalArgumentException("publish " + i + " (" + p + ") must be within the duration, on an"
              + " instance 0.." + (instances - 1) + ", and not before the one before it");
        }
      }
      long pairs = (long) subscribers * Math.max(publishes.size(), (long) (eventsPerSecond * durationSeconds));
      if (pairs > 2_000_000_000L) {
        throw new IllegalArgumentException("subscribers x events must stay under 2 billion, got about " + pairs);
      }
    }

    /** This configuration with what {@code change} sets on a {@link Builder} that starts from it. */
    public Config with(Consumer<Builder> change) {
      Builder b = new Builder(this);
      change.accept(b);
      return b.build();
    }
  }

  /** Mutable fields of a {@link Config}, each documented there; {@link Config#with} hands one out. */
  public static final class Builder {
    public String channel;
    public String fanout;
    public int subscribers;
    public int instances;
    public double eventsPerSecond;
    public double durationSeconds;
    public double oneWayDelayMillis;
    public double publishHopMillis;
    public long pollIntervalMillis;
    public long longPollTimeoutMillis;
    public long reconnectMillis;
    public int requestHeadBytes;
    public int responseHeadBytes;
    public int eventDataBytes;
    public int outageInstance;
    public double outageStartSeconds;
    public long outageDownMillis;
    public List<Integer> webhookResults;
    public double receiverOutageStartSeconds;
    public long receiverOutageMillis;
    public IntToLongFunction retryDelayMillis;
    public int maxAttempts;
    public List<Publish> publishes;
    public long seed;

    Builder(Config c) {
      channel = c.channel();
      fanout = c.fanout();
      subscribers = c.subscribers();
      instances = c.instances();
      eventsPerSecond = c.eventsPerSecond();
      durationSeconds = c.durationSeconds();
      oneWayDelayMillis = c.oneWayDelayMillis();
      publishHopMillis = c.publishHopMillis();
      pollIntervalMillis = c.pollIntervalMillis();
      longPollTimeoutMillis = c.longPollTimeoutMillis();
      reconnectMillis = c.reconnectMillis();
      requestHeadBytes = c.requestHeadBytes();
      responseHeadBytes = c.responseHeadBytes();
      eventDataBytes = c.eventDataBytes();
      outageInstance = c.outageInstance();
      outageStartSeconds = c.outageStartSeconds();
      outageDownMillis = c.outageDownMillis();
      webhookResults = c.webhookResults();
      receiverOutageStartSeconds = c.receiverOutageStartSeconds();
      receiverOutageMillis = c.receiverOutageMillis();
      retryDelayMillis = c.retryDelayMillis();
      maxAttempts = c.maxAttempts();
      publishes = c.publishes();
      seed = c.seed();
    }

    /** The instance {@code instance} dies at {@code startSeconds} for {@code downMillis}. */
    public Builder outage(int instance, double startSeconds, long downMillis) {
      outageInstance = instance;
      outageStartSeconds = startSeconds;
      outageDownMillis = downMillis;
      return this;
    }

    Config build() {
      return new Config(channel, fanout, subscribers, instances, eventsPerSecond, durationSeconds,
          oneWayDelayMillis, publishHopMillis, pollIntervalMillis, longPollTimeoutMillis, reconnectMillis,
          requestHeadBytes, responseHeadBytes, eventDataBytes, outageInstance, outageStartSeconds, outageDownMillis,
          webhookResults, receiverOutageStartSeconds, receiverOutageMillis, retryDelayMillis, maxAttempts, publishes,
          seed);
    }
  }

  /**
   * What one run did.
   *
   * @param channel the channel's name
   * @param fanout the fan-out's name
   * @param published events published
   * @param publishFailed publishes that found no live instance (not published)
   * @param delivered event receipts by subscribers, each (subscriber, event) at most once
   * @param lost (subscriber, event) pairs never delivered nor dead-lettered:
   *     {@code published * subscribers - delivered - deadLettered}
   * @param lostToFanout of them, events the fan-out never carried to the subscriber's instance ({@code local} with
   *     more than one instance)
   * @param lostByInstance lost pairs by the subscriber's instance
   * @param duplicates receipts of a (subscriber, event) pair already delivered
   * @param deadLettered webhook deliveries that failed every attempt
   * @param stalenessMinMillis the least staleness of a delivery (publish to arrival), milliseconds; exact
   * @param stalenessP50Millis its median, milliseconds (HdrHistogram, 3 significant digits: the top of the median's
   *     bucket, within the exact least and greatest)
   * @param stalenessP90Millis its 90th percentile, milliseconds (3 significant digits)
   * @param stalenessP99Millis its 99th percentile, milliseconds (3 significant digits)
   * @param stalenessMaxMillis the greatest, milliseconds; exact
   * @param stalenessMeanMillis the mean, milliseconds; exact
   * @param stalenessMicros every delivery's staleness, microseconds (3 significant digits); a copy
   * @param requests HTTP requests: polls, stream openings (SSE requests, WebSocket upgrades), webhook attempts
   * @param runSeconds the run, from 0 to the last delivery (or the end of publishing), seconds
   * @param requestsPerSecond requests per second of the run
   * @param requestsPerDeliveredEvent requests per delivery; 0 when nothing was delivered
   * @param bytes bytes on the wire, both ways (heads, bodies, frames)
   * @param bytesPerDeliveredEvent bytes per delivery; 0 when nothing was delivered
   * @param connectionsHeldMean requests and streams open at once, time-weighted over the run, as the client holds
   *     them: a stream from its opening to its end, a request from its sending to its answer's arrival (a short
   *     poll or a webhook attempt one round trip, a long poll as long as it is held besides)
   * @param connectionsHeldPeak the most open at once
   */
  public record Result(String channel, String fanout, long published, long publishFailed, long delivered, long lost,
      long lostToFanout, List<Long> lostByInstance, long duplicates, long deadLettered, double stalenessMinMillis,
      double stalenessP50Millis, double stalenessP90Millis, double stalenessP99Millis, double stalenessMaxMillis,
      double stalenessMeanMillis, Histogram stalenessMicros, long requests, double runSeconds,
      double requestsPerSecond, double requestsPerDeliveredEvent, long bytes, double bytesPerDeliveredEvent,
      double connectionsHeldMean, long connectionsHeldPeak) {}

  /** The default webhook retry schedule: attempt n failed, wait {@code 1000 * 2^(n-1)} ms, at most an hour. */
  public static long exponentialRetry(int attempt) {
    return Math.min(3_600_000L, 1000L << Math.min(attempt - 1, 20));
  }

  /** The characteristics of a channel this simulator knows by name (from its {@link Strategy} annotation). */
  public static Set<String> characteristics(String channel) {
    Class<?> type = switch (channel) {
      case "short-poll" -> ShortPoll.class;
      case "long-poll" -> LongPoll.class;
      case "sse" -> Sse.class;
      case "websocket" -> WebSocketChannel.class;
      case "webhook" -> null;
      default -> throw new IllegalArgumentException("channel must be one of " + CHANNELS + ", got " + channel);
    };
    return type == null ? WEBHOOK_CHARACTERISTICS : Set.of(type.getAnnotation(Strategy.class).characteristics());
  }

  /** Runs {@code config}. */
  public static Result run(Config config) {
    return new Run(config).run();
  }

  /** An empty poll answer with the id {@code 0}: the envelope every answer has. */
  private static final int EMPTY_ANSWER_BYTES = PollAnswer.of(List.of(), "0").length();

  private static long micros(double millis) {
    return Math.round(millis * 1000);
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }

  private enum Mode { SHORT_POLL, LONG_POLL, STREAM, WEBHOOK }

  private static final int PUBLISH = 0;
  private static final int ARRIVE = 1; // an event reaches an instance: a = instance, b = seq
  private static final int PUSH = 2; // a streamed event reaches an instance's subscribers: a = instance, b = seq
  private static final int POLL = 3; // a short poller's timer: a = subscriber, b = generation
  private static final int REQUEST = 4; // a poll reaches its instance: a = subscriber, b = generation, c = after
  private static final int ANSWER = 5; // a poll answer or replay reaches a client: a = subscriber, b = generation
  private static final int TIMEOUT = 6; // a held long poll times out: a = subscriber, b = generation, c = request
  private static final int CRASH = 7;
  private static final int RESTART = 8;
  private static final int RECONNECT = 9; // a = subscriber
  private static final int ACCEPT = 10; // a reconnecting stream reaches its instance: a = subscriber, b = generation
  private static final int HOOK_SEND = 11; // a = subscriber, b = seq, c = attempt
  private static final int HOOK_ARRIVE = 12;
  private static final int HOOK_ANSWER = 13; // c = attempt, negative when it failed

  private record Ev(long at, long order, int type, int a, long b, long c, long[] seqs) {}

  /** A sorted, growable list of sequence numbers: what an instance holds. */
  private static final class Log {
    long[] seqs = new long[16];
    int size;

    void add(long seq) {
      if (size == seqs.length) {
        seqs = Arrays.copyOf(seqs, size * 2);
      }
      seqs[size++] = seq;
    }

    long last() {
      return size == 0 ? 0 : seqs[size - 1];
    }

    long[] after(long seq) {
      int i = Arrays.binarySearch(seqs, 0, size, seq);
      int from = i >= 0 ? i + 1 : -i - 1;
      return Arrays.copyOfRange(seqs, from, size);
    }
  }

  private static final class Instance {
    final Log log = new Log();
    final List<Integer> subscribers = new ArrayList<>();
    final List<Integer> held = new ArrayList<>();
    final List<Long> backlog = new ArrayList<>(); // webhook events that reached the stream while it was dead
    boolean down;
    long epoch;
    long lastArrival = Long.MIN_VALUE;
  }

  private static final class Subscriber {
    final int instance;
    final BitSet got = new BitSet();
    long lastSeq; // the last id the client has: what it resumes from
    long generation; // bumped by a crash: what was in flight to the client before it is dropped
    int open; // requests or streams it holds open
    boolean away;
    boolean connected; // a stream accepted by the instance
    long streamEpoch;
    long replayedUpTo; // a stream's replay on (re)connection covered events up to this
    boolean held; // a long poll held by the instance
    long heldAfter;
    long request;

    Subscriber(int instance) {
      this.instance = instance;
    }
  }

  private static final class Run {
    final Config c;
    final Mode mode;
    final boolean resumes;
    final DeliveryChannel channel;
    final boolean streams;
    final boolean local;
    final SplittableRandom random;
    final PriorityQueue<Ev> queue = new PriorityQueue<>((x, y) -> x.at() != y.at() ? Long.compare(x.at(), y.at())
        : Long.compare(x.order(), y.order()));
    final Instance[] instances;
    final Subscriber[] subs;
    final long owd;
    final long hop;
    final long interval;
    final long publishEnd;
    final long downAt;
    final long upAt;
    long order;
    long now;

    long[] publishedAt = new long[1024];
    int[] encoded = new int[1024];
    int[] idLength = new int[1024];
    long published;
    long publishFailed;
    int nextPublish;
    long nextPoisson;
    boolean publishingDone;
    long streamIdMillis = -1;
    int streamIdCount;

    long delivered;
    long duplicates;
    long deadLettered;
    final long[] deadBy;
    long lostToFanout;
    long requests;
    long bytes;
    long inTransit;
    long hooksPending;
    final Histogram staleness = new Histogram(3);
    long stalenessMin = Long.MAX_VALUE;
    long stalenessMax;
    double stalenessSum;
    long openNow;
    long openPeak;
    double openArea;
    long openSince;
    int caughtUpFrom;

    Run(Config c) {
      this.c = c;
      Set<String> traits = characteristics(c.channel());
      if (traits.contains(DeliveryChannel.SERVER_TO_SERVER)) {
        mode = Mode.WEBHOOK;
      } else if (traits.contains(DeliveryChannel.PULL)) {
        mode = traits.contains(DeliveryChannel.HOLDS_CONNECTION) ? Mode.LONG_POLL : Mode.SHORT_POLL;
      } else if (traits.contains(DeliveryChannel.PUSH) && traits.contains(DeliveryChannel.HOLDS_CONNECTION)) {
        mode = Mode.STREAM;
      } else {
        throw new IllegalArgumentException("channel '" + c.channel() + "' declares " + traits
            + ": none of pull, push with holds-connection, server-to-server, so it cannot be simulated");
      }
      resumes = traits.contains(DeliveryChannel.RESUMES);
      channel = switch (c.channel()) {
        case "short-poll" -> new ShortPoll();
        case "long-poll" -> new LongPoll();
        case "sse" -> new Sse();
        case "websocket" -> new WebSocketChannel();
        default -> null;
      };
      streams = c.fanout().equals("redis-streams");
      local = c.fanout().equals("local");
      random = new SplittableRandom(c.seed());
      owd = micros(c.oneWayDelayMillis());
      hop = local ? 0 : micros(c.publishHopMillis());
      interval = c.pollIntervalMillis() * 1000;
      publishEnd = micros(c.durationSeconds() * 1000);
      downAt = c.outageDownMillis() > 0 ? micros(c.outageStartSeconds() * 1000) : Long.MAX_VALUE;
      upAt = c.outageDownMillis() > 0 ? downAt + c.outageDownMillis() * 1000 : Long.MAX_VALUE;
      instances = new Instance[c.instances()];
      for (int i = 0; i < instances.length; i++) {
        instances[i] = new Instance();
      }
      deadBy = new long[instances.length];
      subs = new Subscriber[c.subscribers()];
      for (int s = 0; s < subs.length; s++) {
        subs[s] = new Subscriber(s % instances.length);
        instances[s % instances.length].subscribers.add(s);
      }
    }

    void schedule(long at, int type, int a, long b, long cc, long[] seqs) {
      queue.add(new Ev(at, order++, type, a, b, cc, seqs));
    }

    void schedule(long at, int type, int a, long b) {
      schedule(at, type, a, b, 0, null);
    }

    Result run() {
      if (c.outageDownMillis() > 0) {
        schedule(downAt, CRASH, c.outageInstance(), 0);
        schedule(upAt, RESTART, c.outageInstance(), 0);
      }
      schedulePublish();
      for (int s = 0; s < subs.length; s++) {
        Subscriber sub = subs[s];
        switch (mode) {
          case SHORT_POLL -> schedule(random.nextLong(interval), POLL, s, sub.generation);
          case LONG_POLL -> sendPoll(s);
          case STREAM -> {
            open(s);
            openStream();
            sub.connected = true;
          }
          default -> { }
        }
      }
      long limit = publishEnd + 86_400_000_000L * 30;
      while (!queue.isEmpty()) {
        Ev e = queue.poll();
        now = e.at();
        if (now > limit) {
          throw new IllegalStateException("the run did not settle within 30 days after publishing ended");
        }
        handle(e);
        if (now >= publishEnd && settled()) {
          break;
        }
      }
      now = Math.max(now, publishEnd);
      return result();
    }

    void handle(Ev e) {
      int a = e.a();
      switch (e.type()) {
        case PUBLISH -> publish();
        case ARRIVE -> arrive(a, e.b());
        case PUSH -> {
          Instance in = instances[a];
          for (int s : in.subscribers) {
            Subscriber sub = subs[s];
            if (sub.connected && sub.streamEpoch == e.c() && e.b() > sub.replayedUpTo) {
              bytes += frameBytes(e.b());
              deliver(s, e.b());
            }
          }
        }
        case POLL -> {
          if (subs[a].generation == e.b()) {
            sendPoll(a);
            schedule(now + interval, POLL, a, e.b());
          }
        }
        case REQUEST -> request(a, e.b(), e.c());
        case ANSWER -> answer(a, e.b(), e.seqs(), e.c());
        case TIMEOUT -> {
          Subscriber sub = subs[a];
          if (sub.generation == e.b() && sub.held && sub.request == e.c()) {
            sub.held = false;
            respond(a, new long[0], sub.heldAfter);
          }
        }
        case CRASH -> crash(a);
        case RESTART -> restart(a);
        case RECONNECT -> reconnect(a);
        case ACCEPT -> {
          Subscriber sub = subs[a];
          if (sub.generation == e.b()) {
            Instance in = instances[sub.instance];
            long[] replay = resumes ? in.log.after(sub.lastSeq) : new long[0];
            sub.connected = true;
            sub.streamEpoch = in.epoch;
            sub.replayedUpTo = Math.max(sub.lastSeq, in.log.last());
            if (replay.length > 0) {
              schedule(now + owd, ANSWER, a, sub.generation, -1, replay);
            }
          }
        }
        case HOOK_SEND -> hookSend(a, e.b(), (int) e.c());
        case HOOK_ARRIVE -> hookArrive(a, e.b(), (int) e.c());
        case HOOK_ANSWER -> hookAnswer(a, e.b(), (int) e.c());
        default -> throw new IllegalStateException("event type " + e.type());
      }
    }

    // --- publishing and fan-out ---

    void schedulePublish() {
      if (!c.publishes().isEmpty()) {
        if (nextPublish < c.publishes().size()) {
          schedule(micros(c.publishes().get(nextPublish).atMillis()), PUBLISH, -1, 0);
        } else {
          publishingDone = true;
        }
        return;
      }
      if (c.eventsPerSecond() <= 0) {
        publishingDone = true;
        return;
      }
      double gapMicros = -StrictMath.log(1 - random.nextDouble()) / c.eventsPerSecond() * 1e6;
      nextPoisson += Math.max(0, Math.round(gapMicros));
      if (nextPoisson < publishEnd) {
        schedule(nextPoisson, PUBLISH, -1, 0);
      } else {
        publishingDone = true;
      }
    }

    void publish() {
      int origin;
      if (!c.publishes().isEmpty()) {
        origin = c.publishes().get(nextPublish++).instance();
      } else {
        origin = instances.length == 1 ? 0 : random.nextInt(instances.length);
      }
      schedulePublish();
      if (instances[origin].down) {
        int live = 0;
        for (Instance in : instances) {
          live += in.down ? 0 : 1;
        }
        if (live == 0) {
          publishFailed++;
          return;
        }
        int pick = random.nextInt(live);
        for (int i = 0; i < instances.length; i++) {
          if (!instances[i].down && pick-- == 0) {
            origin = i;
            break;
          }
        }
      }
      long seq = ++published;
      record(seq);
      for (int i = 0; i < instances.length; i++) {
        Instance in = instances[i];
        if (local && i != origin) {
          lostToFanout += in.subscribers.size();
          continue;
        }
        long at = Math.max(now + (i == origin ? 0 : hop), in.lastArrival);
        in.lastArrival = at;
        inTransit++;
        schedule(at, ARRIVE, i, seq);
      }
    }

    /** Stores the event's publish time and its encoded size on this channel. */
    void record(long seq) {
      int i = (int) seq;
      if (i >= publishedAt.length) {
        publishedAt = Arrays.copyOf(publishedAt, i * 2);
        encoded = Arrays.copyOf(encoded, i * 2);
        idLength = Arrays.copyOf(idLength, i * 2);
      }
      publishedAt[i] = now;
      String id;
      if (streams) {
        long ms = (EPOCH_MICROS + now) / 1000;
        streamIdCount = ms == streamIdMillis ? streamIdCount + 1 : 0;
        streamIdMillis = ms;
        id = ms + "-" + streamIdCount;
      } else {
        id = Long.toString(seq);
      }
      Event event = new Event(id, seq, EPOCH_MICROS + now, "x".repeat(c.eventDataBytes()));
      idLength[i] = id.length();
      encoded[i] = channel != null ? channel.encode(event).length
          : event.toJson().getBytes(StandardCharsets.UTF_8).length + WEBHOOK_ENVELOPE_BYTES;
    }

    void arrive(int instance, long seq) {
      inTransit--;
      Instance in = instances[instance];
      if (in.down && !streams) {
        return; // not subscribed while dead: gone for this instance
      }
      in.log.add(seq);
      if (in.down) {
        if (mode == Mode.WEBHOOK) {
          in.backlog.add(seq);
        }
        return; // in the stream; the instance reads it when it is back
      }
      switch (mode) {
        case STREAM -> schedule(now + owd, PUSH, instance, seq, in.epoch, null);
        case LONG_POLL -> {
          List<Integer> held = new ArrayList<>(in.held);
          in.held.clear();
          for (int s : held) {
            Subscriber sub = subs[s];
            if (sub.held) {
              sub.held = false;
              respond(s, in.log.after(sub.heldAfter), sub.heldAfter);
            }
          }
        }
        case WEBHOOK -> {
          for (int s : in.subscribers) {
            hooksPending++;
            schedule(now, HOOK_SEND, s, seq, 1, null);
          }
        }
        default -> { }
      }
    }

    // --- polls ---

    void sendPoll(int s) {
      Subscriber sub = subs[s];
      requests++;
      bytes += c.requestHeadBytes();
      open(s);
      schedule(now + owd, REQUEST, s, sub.generation, sub.lastSeq, null);
    }

    void request(int s, long generation, long after) {
      Subscriber sub = subs[s];
      if (sub.generation != generation) {
        return;
      }
      Instance in = instances[sub.instance];
      long[] events = in.log.after(after);
      if (mode == Mode.LONG_POLL && events.length == 0) {
        sub.held = true;
        sub.heldAfter = after;
        sub.request++;
        in.held.add(s);
        if (in.held.size() > 4 * in.subscribers.size() + 16) {
          in.held.removeIf(h -> !subs[h].held);
        }
        schedule(now + c.longPollTimeoutMillis() * 1000, TIMEOUT, s, generation, sub.request, null);
        return;
      }
      respond(s, events, after);
    }

    /** The instance answers a poll with {@code events}; the answer reaches the client one way later. */
    void respond(int s, long[] events, long after) {
      schedule(now + owd, ANSWER, s, subs[s].generation, after, events);
    }

    void answer(int s, long generation, long[] events, long after) {
      Subscriber sub = subs[s];
      if (sub.generation != generation) {
        return;
      }
      if (after < 0) {
        for (long seq : events) { // a stream's replay
          bytes += frameBytes(seq);
          deliver(s, seq);
        }
        return;
      }
      long lastId = events.length == 0 ? after : events[events.length - 1];
      long body = EMPTY_ANSWER_BYTES - 1 + (lastId == 0 ? 1 : idLength[(int) lastId]);
      for (long seq : events) {
        body += encoded[(int) seq];
      }
      bytes += c.responseHeadBytes() + body - (events.length > 0 ? 1 : 0);
      close(s);
      for (long seq : events) {
        deliver(s, seq);
      }
      if (mode == Mode.LONG_POLL) {
        sendPoll(s);
      }
    }

    // --- streams ---

    void openStream() {
      requests++;
      bytes += c.requestHeadBytes() + c.responseHeadBytes();
      if (channel instanceof Sse) {
        bytes += ("retry: " + c.reconnectMillis() + "\n\n").length();
      }
    }

    long frameBytes(long seq) {
      int payload = encoded[(int) seq];
      if (channel instanceof WebSocketChannel) {
        return payload + (payload <= 125 ? 2 : payload <= 65_535 ? 4 : 10);
      }
      return payload;
    }

    // --- the outage ---

    void crash(int instance) {
      Instance in = instances[instance];
      in.down = true;
      in.epoch++;
      in.held.clear();
      if (!streams) {
        in.log.size = 0; // its history dies with it
      }
      if (mode == Mode.WEBHOOK) {
        return; // attempts in flight to the receiver go on; what falls due while it is dead is handled when sent
      }
      long delay = mode == Mode.STREAM ? c.reconnectMillis() * 1000 : interval;
      for (int s : in.subscribers) {
        Subscriber sub = subs[s];
        sub.generation++;
        while (sub.open > 0) {
          close(s);
        }
        sub.connected = false;
        sub.held = false;
        if (mode != Mode.WEBHOOK) {
          sub.away = true;
          schedule(upAt + delay, RECONNECT, s, 0);
        }
      }
    }

    void restart(int instance) {
      Instance in = instances[instance];
      in.down = false;
      for (long seq : in.backlog) { // the sender resumes from the stream: what reached it while it was dead
        for (int s : in.subscribers) {
          hooksPending++;
          schedule(now, HOOK_SEND, s, seq, 1, null);
        }
      }
      in.backlog.clear();
    }

    void reconnect(int s) {
      Subscriber sub = subs[s];
      sub.away = false;
      switch (mode) {
        case SHORT_POLL -> {
          sendPoll(s);
          schedule(now + interval, POLL, s, sub.generation);
        }
        case LONG_POLL -> sendPoll(s);
        case STREAM -> {
          open(s);
          openStream();
          schedule(now + owd, ACCEPT, s, sub.generation);
        }
        default -> { }
      }
    }

    // --- webhooks ---

    void hookSend(int s, long seq, int attempt) {
      Instance in = instances[subs[s].instance];
      if (in.down) {
        if (streams) {
          schedule(upAt, HOOK_SEND, s, seq, attempt, null); // the schedule lives with the stream
        } else {
          hooksPending--; // the retry queue died with the instance
        }
        return;
      }
      requests++;
      bytes += c.requestHeadBytes() + WEBHOOK_SIGNATURE_HEADER_BYTES + encoded[(int) seq];
      open(s);
      schedule(now + owd, HOOK_ARRIVE, s, seq, attempt, null);
    }

    void hookArrive(int s, long seq, int attempt) {
      long outageStart = micros(c.receiverOutageStartSeconds() * 1000);
      boolean receiverDown = c.receiverOutageMillis() > 0 && now >= outageStart
          && now < outageStart + c.receiverOutageMillis() * 1000;
      List<Integer> pattern = c.webhookResults();
      int status = receiverDown ? 503 : pattern.get(Math.min(attempt, pattern.size()) - 1);
      boolean ok = status >= 200 && status < 300;
      if (ok) {
        deliver(s, seq);
      }
      schedule(now + owd, HOOK_ANSWER, s, seq, ok ? attempt : -attempt, null);
    }

    void hookAnswer(int s, long seq, int attempt) {
      bytes += c.responseHeadBytes();
      close(s);
      if (attempt > 0) {
        hooksPending--;
      } else if (-attempt >= c.maxAttempts()) {
        hooksPending--;
        deadLettered++;
        deadBy[subs[s].instance]++;
      } else {
        long delay = c.retryDelayMillis().applyAsLong(-attempt);
        schedule(now + Math.max(0, delay) * 1000, HOOK_SEND, s, seq, -attempt + 1, null);
      }
    }

    // --- counting ---

    void deliver(int s, long seq) {
      Subscriber sub = subs[s];
      sub.lastSeq = Math.max(sub.lastSeq, seq);
      if (sub.got.get((int) seq)) {
        duplicates++;
        return;
      }
      sub.got.set((int) seq);
      delivered++;
      long stale = now - publishedAt[(int) seq];
      staleness.recordValue(stale);
      stalenessMin = Math.min(stalenessMin, stale);
      stalenessMax = Math.max(stalenessMax, stale);
      stalenessSum += stale;
    }

    void open(int s) {
      account();
      subs[s].open++;
      openNow++;
      openPeak = Math.max(openPeak, openNow);
    }

    void close(int s) {
      if (subs[s].open == 0) {
        return;
      }
      account();
      subs[s].open--;
      openNow--;
    }

    void account() {
      openArea += (double) openNow * (now - openSince);
      openSince = now;
    }

    /** Nothing left to deliver: publishing over, nothing on its way, every subscriber caught up with its instance. */
    boolean settled() {
      if (!publishingDone || inTransit > 0 || hooksPending > 0
          || c.outageDownMillis() > 0 && (now < upAt || !outageOver())) {
        return false;
      }
      if (mode == Mode.WEBHOOK) {
        return true;
      }
      while (caughtUpFrom < subs.length) {
        Subscriber sub = subs[caughtUpFrom];
        if (sub.away || sub.lastSeq < instances[sub.instance].log.last()) {
          return false;
        }
        caughtUpFrom++;
      }
      return true;
    }

    boolean outageOver() {
      if (instances[c.outageInstance()].down) {
        return false;
      }
      for (int s : instances[c.outageInstance()].subscribers) {
        if (subs[s].away) {
          return false;
        }
      }
      return true;
    }

    /** The histogram's percentile (the top of its bucket) within the exact least and greatest, milliseconds. */
    double percentile(double p) {
      if (staleness.getTotalCount() == 0) {
        return 0;
      }
      return millis(Math.max(stalenessMin, Math.min(stalenessMax, staleness.getValueAtPercentile(p))));
    }

    Result result() {
      account();
      List<Long> lostByInstance = new ArrayList<>();
      for (int i = 0; i < instances.length; i++) {
        long lost = -deadBy[i];
        for (int sub : instances[i].subscribers) {
          lost += published - subs[sub].got.cardinality();
        }
        lostByInstance.add(lost);
      }
      double seconds = now / 1e6;
      long n = staleness.getTotalCount();
      return new Result(c.channel(), c.fanout(), published, publishFailed, delivered,
          published * subs.length - delivered - deadLettered, lostToFanout, List.copyOf(lostByInstance), duplicates,
          deadLettered, n == 0 ? 0 : millis(stalenessMin), percentile(50), percentile(90), percentile(99),
          millis(stalenessMax),
          n == 0 ? 0 : stalenessSum / n / 1000, staleness.copy(), requests, seconds,
          seconds == 0 ? 0 : requests / seconds, delivered == 0 ? 0 : (double) requests / delivered, bytes,
          delivered == 0 ? 0 : (double) bytes / delivered, now == 0 ? 0 : openArea / now, openPeak);
    }
  }
}
