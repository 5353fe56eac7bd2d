package io.strategybench.delivery.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.strategybench.delivery.Event;
import io.strategybench.delivery.EventBus;
import io.strategybench.delivery.EventLog;
import io.strategybench.delivery.SeqIds;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Fan-out by Redis pub/sub ({@code redis-pubsub}): at most once. {@link #publish} runs one Lua script that takes the
 * next sequence number ({@code INCR NAMESPACE:seq}) and {@code PUBLISH}es the event's JSON ({@link Event#toJson()},
 * id = the sequence number as text, publish time taken by the publisher) on {@code NAMESPACE:events}; the two are
 * atomic, so the channel carries events in sequence order.
 *
 * <p>Every instance subscribes on a pub/sub connection of its own and appends what it hears to its own bounded
 * {@link EventLog} ({@code history} events); {@link #after} replays from that log only. An instance has what it
 * heard while it ran and nothing from before it started, and an event published while its subscription was down
 * (Redis restarting) is lost to it: that is the control's point against {@code redis-streams}.
 *
 * <p>Listeners are called on one thread of the bus ({@code redis-pubsub-dispatch NAMESPACE}), in sequence order.
 * Between the connection's event loop and that thread is a queue of {@value #DISPATCH_CAPACITY} events: a listener
 * that blocks fills it, and what does not fit is dropped (counted as {@code dropped}) rather than holding up the
 * connection. Listeners must not block.
 */
public final class RedisPubSubBus implements EventBus {
  /** Events waiting for the dispatch thread at most; more are dropped and counted. */
  public static final int DISPATCH_CAPACITY = 16_384;

  private static final String NAME = "redis-pubsub";
  private static final String JSON_HEAD = "{\"id\":\"0\",\"seq\":0";
  private static final String PUBLISH = """
      local seq = redis.call('INCR', KEYS[1])
      local s = string.format('%d', seq)
      redis.call('PUBLISH', ARGV[1], '{"id":"' .. s .. '","seq":' .. s .. ARGV[2])
      return seq
      """;

  private final String namespace;
  private final String seqKey;
  private final String channel;
  private final RedisBusLink link;
  private final RedisBusLink.Script publishScript;
  private final StatefulRedisPubSubConnection<String, String> subscription;
  private final EventLog log;
  private final Listeners listeners = new Listeners();
  private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(DISPATCH_CAPACITY);
  private final Thread dispatcher;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder published = new LongAdder();
  private final LongAdder publishFailures = new LongAdder();
  private final LongAdder heard = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder reconnects = new LongAdder();

  /**
   * Connects to Redis at {@code redisUrl}, subscribes, and returns when the subscription is active: every event
   * published after that reaches this instance's log and listeners.
   *
   * @param namespace the prefix of the bus's key and channel ({@code NAMESPACE:seq}, {@code NAMESPACE:events}): buses
   *     of one namespace are one system, other namespaces do not see them
   * @param history the events this instance keeps for {@link #after}, at least 1
   * @param timeoutMillis how long a Redis command may take before it fails
   * @throws IllegalArgumentException when an argument is not usable (the message names it)
   * @throws IllegalStateException when Redis cannot be reached (the message names the URL and what to do)
   */
  public RedisPubSubBus(String redisUrl, String namespace, int history, long timeoutMillis) {
    this.namespace = checkNamespace(NAME, namespace);
    this.seqKey = namespace + ":seq";
    this.channel = namespace + ":events";
    this.log = new EventLog(checkHistory(NAME, history));
    this.link = RedisBusLink.open(NAME, redisUrl, timeoutMillis);
    StatefulRedisPubSubConnection<String, String> sub = null;
    try {
      this.publishScript = link.load(PUBLISH);
      sub = link.client().connectPubSub(StringCodec.UTF8);
      sub.setTimeout(java.time.Duration.ofMillis(timeoutMillis));
      StatefulRedisPubSubConnection<String, String> own = sub;
      // registered after the first connect: every connect of this connection it sees is a reconnect
      link.client().addListener(new RedisConnectionStateListener() {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
          if (connection == own) {
            reconnects.increment();
          }
        }
      });
      sub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String from, String message) {
          heardOne(message);
        }
      });
      sub.sync().subscribe(channel);
      this.subscription = sub;
    } catch (RedisException e) {
      if (sub != null) {
        sub.close();
      }
      link.close();
      throw new IllegalStateException(io.strategybench.redis.RedisClients.unreachable("fan-out '" + NAME + "'", redisUrl, e), e);
    }
    dispatcher = new Thread(this::dispatch, "redis-pubsub-dispatch " + namespace);
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  static String checkNamespace(String fanout, String namespace) {
    if (namespace == null || namespace.isEmpty()) {
      throw new IllegalArgumentException("fan-out '" + fanout + "' needs a namespace (the prefix of its Redis keys,"
          + " e.g. sb:delivery), got " + (namespace == null ? "null" : "an empty one"));
    }
    return namespace;
  }

  static int checkHistory(String fanout, int history) {
    if (history < 1) {
      throw new IllegalArgumentException("fan-out '" + fanout + "' keeps at least 1 event of history, got "
          + history);
    }
    return history;
  }

  private void heardOne(String message) {
    Event event;
    try {
      event = Event.fromJson(message);
    } catch (IllegalArgumentException e) {
      malformed.increment();
      return;
    }
    heard.increment();
    log.append(event);
    if (!queue.offer(event)) {
      dropped.increment();
    }
  }

  private void dispatch() {
    try {
      while (!closed.get()) {
        listeners.deliver(queue.take());
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The namespace of the bus's key and channel. */
  public String namespace() {
    return namespace;
  }

  @Override
  public CompletionStage<Event> publish(String data) {
    if (data == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("an event needs data (it may be empty),"
          + " got null"));
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedFailure());
    }
    long now = Event.nowMicros();
    String json = new Event("0", 0, now, data).toJson();
    // the script writes the id and seq; the rest of the JSON is Event.toJson's, byte for byte
    String tail = json.substring(JSON_HEAD.length());
    return link.<Long>eval(publishScript, ScriptOutputType.INTEGER, new String[] {seqKey}, channel, tail)
        .handle((seq, e) -> {
          if (e != null) {
            publishFailures.increment();
            throw link.failure("take the event", e);
          }
          published.increment();
          return new Event(Long.toString(seq), seq, now, data);
        });
  }

  @Override
  public AutoCloseable subscribe(Consumer<Event> listener) {
    return listeners.add(listener);
  }

  /** The events this instance heard after {@code lastEventId}, from its own log (nothing from before it started). */
  @Override
  public CompletionStage<List<Event>> after(String lastEventId, int max) {
    String problem = lastEventId == null ? null : checkId(lastEventId);
    if (problem != null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
    }
    return CompletableFuture.completedFuture(log.afterSeq(lastEventId == null ? 0 : Long.parseLong(lastEventId),
        Math.max(0, max)));
  }

  @Override
  public String checkId(String id) {
    if (id == null) {
      return "event id null is not one " + NAME + " makes: a sequence number (digits only, e.g. 42; 0 for the start)";
    }
    return SeqIds.check(id, NAME);
  }

  /**
   * {@code published} (by this instance), {@code heard}, {@code held} (in the log), {@code subscribers},
   * {@code reconnects} (of the subscription), {@code dropped} (the dispatch queue was full), {@code publishFailures},
   * {@code listenerErrors}, {@code malformed} (messages on the channel that were not events).
   */
  @Override
  public Map<String, Object> stats() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("published", published.sum());
    stats.put("heard", heard.sum());
    stats.put("held", log.size());
    stats.put("subscribers", listeners.size());
    stats.put("reconnects", reconnects.sum());
    stats.put("dropped", dropped.sum());
    stats.put("publishFailures", publishFailures.sum());
    stats.put("listenerErrors", listeners.errors());
    stats.put("malformed", malformed.sum());
    return stats;
  }

  /**
   * For tests and between runs: deletes the namespace's sequence key in Redis (the next event is seq 1 again) and
   * empties this instance's log. Not while events flow.
   *
   * @throws IllegalStateException when Redis does not answer
   */
  public void reset() {
    link.await(link.connection().async().del(seqKey).toCompletableFuture(), "delete " + seqKey);
    log.clear();
  }

  /** Unsubscribes, stops the dispatch thread and closes both connections and the client; a second call does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      subscription.close();
    } finally {
      dispatcher.interrupt();
      joinQuietly(dispatcher);
      listeners.clear();
      queue.clear();
      link.close();
    }
  }

  /** Waits for {@code thread} to end; not when it is the caller (a listener that closes its own bus). */
  static void joinQuietly(Thread thread) {
    if (thread == Thread.currentThread()) {
      return;
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private IllegalStateException closedFailure() {
    return new IllegalStateException(NAME + " bus of namespace '" + namespace + "' is closed; open a new one to"
        + " publish");
  }
}
