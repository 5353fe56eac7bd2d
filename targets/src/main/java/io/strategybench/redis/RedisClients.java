package io.strategybench.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How every family talks to Redis through Lettuce: one set of event loops and timers per JVM (daemon threads), and
 * clients that never let a call hang. Commands time out after the caller's timeout; while Redis is down they are
 * rejected at once instead of queueing ({@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS}); the connection
 * reconnects by itself, at most {@value #MAX_RECONNECT_DELAY_MILLIS} ms apart, so a restarted Redis is used again
 * within about a second.
 */
public final class RedisClients {
  /** The longest wait between two reconnection attempts. */
  public static final long MAX_RECONNECT_DELAY_MILLIS = 500;

  private static ClientResources resources;

  static {
    // Lettuce prefers epoll when both native transports load, and warns on every connection that it did;
    // choosing epoll explicitly (unless the user chose) keeps that choice and silences the warning.
    if (System.getProperty("io.lettuce.core.iouring") == null) {
      System.setProperty("io.lettuce.core.iouring", "false");
    }
  }

  private RedisClients() {}

  /** A client of Redis at {@code uri} and its connection, whose commands time out after {@code timeoutMillis}. */
  public record Client<V>(RedisClient client, StatefulRedisConnection<String, V> connection) {}

  /**
   * Connects to {@code uri}. The handshake runs under a connect timeout of at least a second (a target starting on
   * a busy machine, classes still loading, still connects); commands get {@code timeoutMillis}.
   *
   * @throws io.lettuce.core.RedisException when Redis cannot be reached
   */
  public static <V> Client<V> connect(String uri, long timeoutMillis, RedisCodec<String, V> codec) {
    Duration timeout = Duration.ofMillis(timeoutMillis);
    Duration connectTimeout = Duration.ofMillis(Math.max(1000, timeoutMillis));
    RedisURI redisUri = RedisURI.create(uri.trim());
    redisUri.setTimeout(connectTimeout);
    RedisClient client = RedisClient.create(resources(), redisUri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(SocketOptions.builder()
            .connectTimeout(connectTimeout)
            .keepAlive(true)
            .tcpNoDelay(true)
            .build())
        .build());
    try {
      StatefulRedisConnection<String, V> connection = client.connect(codec);
      connection.setTimeout(timeout);
      return new Client<>(client, connection);
    } catch (RuntimeException e) {
      // Lettuce's handshake timer of the failed connect still fires after the connect timeout; releasing the
      // event loop before would make Netty log a rejected task, so the client is shut down after it.
      CompletableFuture.delayedExecutor(connectTimeout.toMillis() + 500, TimeUnit.MILLISECONDS)
          .execute(() -> client.shutdown(0, 2, TimeUnit.SECONDS));
      throw e;
    }
  }

  /** Closes a client and its connection; the shared event loops stay. */
  public static void shutdown(RedisClient client) {
    client.shutdown(0, 2, TimeUnit.SECONDS);
  }

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
   * What a user is told when Redis cannot be reached at start: who needed it, where, why, and what to do.
   *
   * @param who what needed it ({@code fan-out 'redis-streams'}, {@code order ledger})
   */
  public static String unreachable(String who, String uri, Throwable e) {
    return who + ": cannot reach Redis at " + uri + " (" + causeOf(e) + "): start redis-server there, or install it"
        + " with `apt-get install redis-server`";
  }

  /** The root cause's message, shortened for the usual refusal ({@code Connection refused}). */
  public static String causeOf(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.contains("Connection refused") ? "Connection refused" : message;
  }
}
