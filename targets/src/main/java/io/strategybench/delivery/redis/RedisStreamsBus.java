package io.strategybench.delivery.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.strategybench.delivery.Event;
import io.strategybench.delivery.EventBus;
import io.strategybench.delivery.SeqIds;
import io.strategybench.redis.RedisClients;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Fan-out by a Redis stream ({@code redis-streams}): the stream entry id is the event id, and any instance replays
 * from Redis, so a client resuming anywhere misses nothing the stream still holds. {@link #publish} runs one Lua
 * script: {@code INCR NAMESPACE:seq}, then {@code XADD NAMESPACE:stream MAXLEN ~ HISTORY *} with the fields
 * {@code seq}, {@code published} (taken by the publisher) and {@code data}; entry order is sequence order.
 *
 * <p>Every instance runs a reader ({@code redis-streams-reader NAMESPACE}) on a connection of its own:
 * {@code XREAD BLOCK} {@value #BLOCK_MILLIS} ms {@code COUNT} {@value #BATCH} from the last entry it delivered,
 * starting at the newest entry when the bus was opened (read with {@code XREVRANGE ... COUNT 1}, so nothing published
 * between opening and the first read is skipped). When Redis goes away the reader waits for the connection to come
 * back (at most {@value RedisClients#MAX_RECONNECT_DELAY_MILLIS} ms between attempts) and resumes from its last id.
 * A Redis without persistence comes back empty: the sequence starts again at 1.
 *
 * <p>Listeners are called on the reader thread, in stream order. The bound is the read itself: the reader reads at
 * most {@value #BATCH} entries at a time and reads again only when the listeners have taken them, so a listener that
 * blocks delays every listener of the instance (nothing is lost: the stream holds it, up to the trimming). Listeners
 * must not block.
 *
 * <p>{@link #after} asks Redis ({@code XRANGE}), so an instance opened later replays everything still in the stream.
 * A resume from an id the stream no longer holds (trimmed by {@code MAXLEN}, or from before Redis lost the stream)
 * replays what is there and is counted as {@code trimmedResumes}: what came between may be lost.
 */
public final class RedisStreamsBus implements EventBus {
  /** How long one {@code XREAD} waits for an entry before it asks again. */
  public static final long BLOCK_MILLIS = 1000;

  /** Entries one {@code XREAD} takes at most. */
  public static final int BATCH = 512;

  private static final String NAME = "redis-streams";
  private static final String PUBLISH = """
      local seq = redis.call('INCR', KEYS[1])
      local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'seq', string.format('%d', seq),
          'published', ARGV[2], 'data', ARGV[3])
      return {id, seq}
      """;

  private final String namespace;
  private final String seqKey;
  private final String streamKey;
  private final int history;
  private final RedisBusLink link;
  private final RedisBusLink.Script publishScript;
  private final RedisClients.Client<String> reader;
  private final Listeners listeners = new Listeners();
  private final Thread readerThread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder published = new LongAdder();
  private final LongAdder publishFailures = new LongAdder();
  private final LongAdder heard = new LongAdder();
  private final LongAdder reconnects = new LongAdder();
  private final LongAdder readFailures = new LongAdder();
  private final LongAdder trimmedResumes = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private volatile String lastId;

  /**
   * Connects to Redis at {@code redisUrl}, finds the stream's newest entry and starts the reader from it: every event
   * published after this returns reaches this instance's listeners.
   *
   * @param namespace the prefix of the bus's keys ({@code NAMESPACE:seq}, {@code NAMESPACE:stream}): buses of one
   *     namespace are one system, other namespaces do not see them
   * @param history the stream's length, about ({@code MAXLEN ~}: Redis trims whole nodes, so it may hold a hundred
   *     or so more), at least 1
   * @param timeoutMillis how long a Redis command may take before it fails (the reader's blocking read gets
   *     {@value #BLOCK_MILLIS} ms more)
   * @throws IllegalArgumentException when an argument is not usable (the message names it)
   * @throws IllegalStateException when Redis cannot be reached (the message names the URL and what to do)
   */
  public RedisStreamsBus(String redisUrl, String namespace, int history, long timeoutMillis) {
    this.namespace = RedisPubSubBus.checkNamespace(NAME, namespace);
    this.seqKey = namespace + ":seq";
    this.streamKey = namespace + ":stream";
    this.history = RedisPubSubBus.checkHistory(NAME, history);
    this.link = RedisBusLink.open(NAME, redisUrl, timeoutMillis);
    RedisClients.Client<String> own = null;
    try {
      this.publishScript = link.load(PUBLISH);
      List<StreamMessage<String, String>> newest = link.connection().sync()
          .xrevrange(streamKey, Range.unbounded(), Limit.from(1));
      this.lastId = newest.isEmpty() ? "0-0" : newest.get(0).getId();
      own = RedisBusLink.connect(NAME, redisUrl, timeoutMillis + BLOCK_MILLIS);
      // registered after the first connect: every connect it sees is a reconnect of the reader's connection
      own.client().addListener(new RedisConnectionStateListener() {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
          reconnects.increment();
        }
      });
    } catch (RedisException | IllegalStateException e) {
      if (own != null) {
        own.connection().close();
        RedisClients.shutdown(own.client());
      }
      link.close();
      throw e instanceof IllegalStateException ise ? ise
          : new IllegalStateException(io.strategybench.redis.RedisClients.unreachable("fan-out '" + NAME + "'", redisUrl, e), e);
    }
    this.reader = own;
    readerThread = new Thread(this::read, "redis-streams-reader " + namespace);
    readerThread.setDaemon(true);
    readerThread.start();
  }

  private void read() {
    StatefulRedisConnection<String, String> connection = reader.connection();
    XReadArgs args = XReadArgs.Builder.block(BLOCK_MILLIS).count(BATCH);
    long backoff = 0;
    while (!closed.get()) {
      List<StreamMessage<String, String>> batch;
      try {
        batch = connection.async().xread(args, XReadArgs.StreamOffset.from(streamKey, lastId)).get();
        backoff = 0;
      } catch (InterruptedException e) {
        return; // closed
      } catch (ExecutionException | RuntimeException e) {
        if (closed.get()) {
          return;
        }
        readFailures.increment();
        // Redis is away: wait for the connection to come back, then resume from lastId
        backoff = Math.min(RedisClients.MAX_RECONNECT_DELAY_MILLIS, Math.max(10, backoff * 2));
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        continue;
      }
      if (batch == null) {
        continue;
      }
      for (StreamMessage<String, String> message : batch) {
        lastId = message.getId();
        Event event = decode(message);
        if (event != null) {
          heard.increment();
          listeners.deliver(event);
        }
      }
    }
  }

  private Event decode(StreamMessage<String, String> message) {
    Map<String, String> body = message.getBody();
    try {
      return new Event(message.getId(), Long.parseLong(body.get("seq")), Long.parseLong(body.get("published")),
          body.get("data"));
    } catch (RuntimeException e) { // an entry some other writer put in the stream
      malformed.increment();
      return null;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The namespace of the bus's keys. */
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
      return CompletableFuture.failedFuture(new IllegalStateException(NAME + " bus of namespace '" + namespace
          + "' is closed; open a new one to publish"));
    }
    long now = Event.nowMicros();
    return link.<List<Object>>eval(publishScript, ScriptOutputType.MULTI, new String[] {seqKey, streamKey},
        Integer.toString(history), Long.toString(now), data)
        .handle((answer, e) -> {
          if (e != null) {
            publishFailures.increment();
            throw link.failure("take the event", e);
          }
          published.increment();
          return new Event((String) answer.get(0), (Long) answer.get(1), now, data);
        });
  }

  @Override
  public AutoCloseable subscribe(Consumer<Event> listener) {
    return listeners.add(listener);
  }

  /**
   * The stream's entries after {@code lastEventId} ({@code XRANGE}), at most {@code max}; from the stream's start
   * when it is null or {@code 0-0}. An id the stream no longer holds, older than its start, replays from the start
   * and counts a {@code trimmedResume}. Fails with {@link IllegalArgumentException} for an id not of the form, and
   * with {@link IllegalStateException} naming Redis when it does not answer.
   */
  @Override
  public CompletionStage<List<Event>> after(String lastEventId, int max) {
    String problem = lastEventId == null ? null : checkId(lastEventId);
    if (problem != null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
    }
    if (max < 1) {
      return CompletableFuture.completedFuture(List.of());
    }
    if (lastEventId == null || lastEventId.equals("0-0")) {
      return range(Range.unbounded(), max).thenApply(this::decodeAll);
    }
    // inclusive, one more: whether the stream still holds the id is what tells a resume from a gap
    return range(Range.from(Range.Boundary.including(lastEventId), Range.Boundary.unbounded()), max + 1L)
        .thenCompose(entries -> {
          if (!entries.isEmpty() && entries.get(0).getId().equals(lastEventId)) {
            return CompletableFuture.completedFuture(decodeAll(entries.subList(1, entries.size())));
          }
          List<StreamMessage<String, String>> kept = entries.size() > max ? entries.subList(0, max) : entries;
          if (entries.isEmpty()) {
            return CompletableFuture.completedFuture(List.<Event>of());
          }
          // not held: older than the stream's start (trimmed) or never one of its entries
          return range(Range.unbounded(), 1).thenApply(first -> {
            if (!first.isEmpty() && first.get(0).getId().equals(entries.get(0).getId())) {
              trimmedResumes.increment();
            }
            return decodeAll(kept);
          });
        });
  }

  private CompletableFuture<List<StreamMessage<String, String>>> range(Range<String> range, long count) {
    try {
      return link.connection().async().xrange(streamKey, range, Limit.from(count)).toCompletableFuture()
          .handle((entries, e) -> {
            if (e != null) {
              throw link.failure("answer XRANGE " + streamKey, e);
            }
            return entries;
          });
    } catch (RuntimeException e) { // a disconnected client may refuse at once
      return CompletableFuture.failedFuture(link.failure("answer XRANGE " + streamKey, e));
    }
  }

  private List<Event> decodeAll(List<StreamMessage<String, String>> entries) {
    List<Event> events = new ArrayList<>(entries.size());
    for (StreamMessage<String, String> entry : entries) {
      Event event = decode(entry);
      if (event != null) {
        events.add(event);
      }
    }
    return events;
  }

  /** Null for a stream entry id {@code MILLIS-SEQ} (two unsigned 64-bit decimal numbers), else what is wrong. */
  @Override
  public String checkId(String id) {
    if (id != null) {
      int dash = id.indexOf('-');
      if (dash > 0 && dash < id.length() - 1 && unsigned64(id.substring(0, dash))
          && unsigned64(id.substring(dash + 1))) {
        return null;
      }
    }
    return "event id " + (id == null ? "null" : "'" + SeqIds.printable(id) + "'") + " is not one " + NAME
        + " makes: a stream entry id MILLIS-SEQ, e.g. 1733300000000-0 (two unsigned 64-bit decimal numbers)";
  }

  private static boolean unsigned64(String s) {
    if (s.isEmpty() || s.length() > 20 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    try {
      Long.parseUnsignedLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * {@code published} (by this instance), {@code heard} (delivered by the reader), {@code held} (the stream's length,
   * asked of Redis; -1 when it does not answer), {@code subscribers}, {@code reconnects} (of the reader's connection),
   * {@code readFailures}, {@code trimmedResumes}, {@code publishFailures}, {@code listenerErrors}, {@code malformed}
   * (entries that were not events), {@code lastId} (the reader's).
   */
  @Override
  public Map<String, Object> stats() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("published", published.sum());
    stats.put("heard", heard.sum());
    stats.put("held", held());
    stats.put("subscribers", listeners.size());
    stats.put("reconnects", reconnects.sum());
    stats.put("readFailures", readFailures.sum());
    stats.put("trimmedResumes", trimmedResumes.sum());
    stats.put("publishFailures", publishFailures.sum());
    stats.put("listenerErrors", listeners.errors());
    stats.put("malformed", malformed.sum());
    stats.put("lastId", lastId);
    return stats;
  }

  private long held() {
    if (closed.get()) {
      return -1;
    }
    try {
      return link.connection().async().xlen(streamKey).get(link.timeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * For tests and between runs: deletes the namespace's sequence key and stream in Redis (the next event is seq 1
   * again). Not while events flow.
   *
   * @throws IllegalStateException when Redis does not answer
   */
  public void reset() {
    link.await(link.connection().async().del(seqKey, streamKey).toCompletableFuture(),
        "delete " + seqKey + " and " + streamKey);
  }

  /** Stops the reader (and waits for its thread to end), closes both connections and clients; a second call does
   * nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      readerThread.interrupt();
      RedisPubSubBus.joinQuietly(readerThread);
    } finally {
      listeners.clear();
      try {
        reader.connection().close();
      } finally {
        RedisClients.shutdown(reader.client());
        link.close();
      }
    }
  }
}
