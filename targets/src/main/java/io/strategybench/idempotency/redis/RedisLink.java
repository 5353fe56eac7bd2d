package io.strategybench.idempotency.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One Lettuce client and connection of an idempotency store or a ledger: text keys, byte values (a stored body is
 * kept byte for byte). As the rate limiters' connections: commands time out after {@code timeout-millis}, are
 * rejected at once while Redis is down instead of queueing, and the connection reconnects by itself (at most
 * {@value #MAX_RECONNECT_DELAY_MILLIS} ms apart). Every instance of a store has a connection of its own, as
 * separate target processes would.
 */
final class RedisLink implements AutoCloseable {
  static final long MAX_RECONNECT_DELAY_MILLIS = 500;

  static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private static ClientResources resources;

  static {
    // as RedisConnections: epoll chosen explicitly silences Lettuce's warning about two native transports
    if (System.getProperty("io.lettuce.core.iouring") == null) {
      System.setProperty("io.lettuce.core.iouring", "false");
    }
  }

  /** A script loaded into Redis: run by its SHA1, sent again when Redis answers NOSCRIPT (it restarted). */
  record Script(String source, String sha) {}

  private final String uri;
  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final LongAdder scriptReloads = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisLink(String uri, RedisClient client, StatefulRedisConnection<String, byte[]> connection) {
    this.uri = uri;
    this.client = client;
    this.connection = connection;
  }

  /**
   * Connects to {@code uri}.
   *
   * @throws io.lettuce.core.RedisException when Redis cannot be reached ({@link #unreachable} says it for a user)
   */
  static RedisLink open(String uri, long timeoutMillis) {
    Duration timeout = Duration.ofMillis(timeoutMillis);
    Duration connectTimeout = Duration.ofMillis(Math.max(1000, timeoutMillis));
    RedisURI redisUri = RedisURI.create(uri);
    redisUri.setTimeout(connectTimeout); // the handshake's; commands get the short one below
    RedisClient client = RedisClient.create(resources(), redisUri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).tcpNoDelay(true).build())
        .build());
    try {
      StatefulRedisConnection<String, byte[]> connection = client.connect(CODEC);
      connection.setTimeout(timeout);
      return new RedisLink(uri, client, connection);
    } catch (RuntimeException e) {
      // the failed handshake's timer still fires after the connect timeout: shut the client down after it
      CompletableFuture.delayedExecutor(connectTimeout.toMillis() + 500, TimeUnit.MILLISECONDS)
          .execute(() -> client.shutdown(0, 2, TimeUnit.SECONDS));
      throw e;
    }
  }

  /** The event loops and timers of every link, created once per JVM; their threads are daemons. */
  private static synchronized ClientResources resources() {
    if (resources == null) {
      resources = ClientResources.builder()
          .ioThreadPoolSize(Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())))
          .computationThreadPoolSize(2)
          .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofMillis(MAX_RECONNECT_DELAY_MILLIS), 2,
              TimeUnit.MILLISECONDS))
          .build();
    }
    return resources;
  }

  /**
   * What a user is told when Redis cannot be reached at start: where, why, and what to do.
   *
   * @param who what needed it ({@code idempotency strategy 'redis-setnx'})
   */
  static String unreachable(String who, String uri, Throwable e) {
    return who + ": cannot reach Redis at " + uri + " (" + causeOf(e) + "): start redis-server there, or install it"
        + " with `apt-get install redis-server`";
  }

  /** The root cause's message, shortened for the usual refusal. */
  static String causeOf(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.contains("Connection refused") ? "Connection refused" : message;
  }

  /** Loads {@code source}, waiting for Redis (at start only). */
  Script load(String source) {
    return new Script(source, connection.sync().scriptLoad(source));
  }

  /** Runs {@code script}; never blocks: the answer, or the error or timeout, completes the future. */
  <T> CompletableFuture<T> eval(Script script, ScriptOutputType type, String[] keys, byte[]... args) {
    try {
      return connection.async().<T>evalsha(script.sha(), type, keys, args).toCompletableFuture()
          .exceptionallyCompose(e -> {
            if (isNoScript(e)) {
              scriptReloads.increment();
              return connection.async().<T>eval(script.source(), type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(e);
          });
    } catch (RuntimeException e) { // a disconnected client may refuse at once
      return CompletableFuture.failedFuture(e);
    }
  }

  private static boolean isNoScript(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT")) {
        return true;
      }
    }
    return false;
  }

  StatefulRedisConnection<String, byte[]> connection() {
    return connection;
  }

  String uri() {
    return uri;
  }

  long scriptReloads() {
    return scriptReloads.sum();
  }

  /** Closes the connection and its client; a second call does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      connection.close();
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
