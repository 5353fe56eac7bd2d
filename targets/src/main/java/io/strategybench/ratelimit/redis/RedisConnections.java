package io.strategybench.ratelimit.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Lettuce {@link RedisClient} and one {@link StatefulRedisConnection} per Redis URI (and timeout) per JVM,
 * shared by every Redis rate limiter that points there and closed when the last of them closes. Lettuce
 * pipelines commands of many threads over the one connection.
 *
 * <p>The client never lets a call hang: commands time out after the limiter's timeout; while Redis is down
 * they are rejected at once instead of queueing ({@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS});
 * the connection reconnects by itself, retrying at most every {@value #MAX_RECONNECT_DELAY_MILLIS} ms so that
 * a restarted Redis is used again within about a second.
 */
final class RedisConnections {
  static final long MAX_RECONNECT_DELAY_MILLIS = 500;

  private static final Map<String, Shared> SHARED = new HashMap<>();
  private static ClientResources resources;

  static {
    // Lettuce prefers epoll when both native transports load, and warns on every connection that it did;
    // choosing epoll explicitly (unless the user chose) keeps that choice and silences the warning.
    if (System.getProperty("io.lettuce.core.iouring") == null) {
      System.setProperty("io.lettuce.core.iouring", "false");
    }
  }

  private RedisConnections() {}

  /**
   * A lease on the shared connection to {@code uri}; opens it when it is the first.
   *
   * @param shared false for a connection of its own (tests that play several gateway instances)
   * @throws io.lettuce.core.RedisException when Redis cannot be reached
   */
  static Lease open(String uri, long timeoutMillis, boolean shared) {
    if (!shared) {
      return new Lease(connect(uri, timeoutMillis), null);
    }
    String id = uri + "|" + timeoutMillis;
    synchronized (SHARED) {
      Shared entry = SHARED.get(id);
      if (entry == null) {
        entry = new Shared(connect(uri, timeoutMillis));
        SHARED.put(id, entry);
      }
      entry.references++;
      return new Lease(entry.connection, id);
    }
  }

  private static Connection connect(String uri, long timeoutMillis) {
    Duration timeout = Duration.ofMillis(timeoutMillis);
    ClientResources resources = resources();
    Duration connectTimeout = Duration.ofMillis(Math.max(1000, timeoutMillis));
    RedisURI redisUri = RedisURI.create(uri.trim());
    // The handshake (HELLO) runs under the URI's timeout: the connect timeout, not a decision's, so a target
    // starting on a busy machine (classes still loading) still connects; commands get the short one below.
    redisUri.setTimeout(connectTimeout);
    RedisClient client = RedisClient.create(resources, redisUri);
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
      StatefulRedisConnection<String, String> connection = client.connect();
      connection.setTimeout(timeout);
      return new Connection(resources, client, connection);
    } catch (RuntimeException e) {
      // Lettuce's handshake timer of the failed connect still fires after the connect timeout; releasing the
      // event loop before would make Netty log a rejected task, so the client is shut down after it.
      CompletableFuture.delayedExecutor(connectTimeout.toMillis() + 500, TimeUnit.MILLISECONDS)
          .execute(() -> client.shutdown(0, 2, TimeUnit.SECONDS));
      throw e;
    }
  }

  /**
   * The event loops and timers of every client, created once per JVM (their threads are daemons): clients
   * come and go with the limiters, their threads stay.
   */
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

  private static void shutdown(RedisClient client, ClientResources resources) {
    // the shared resources stay; only the client (and its connection) goes
    client.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** A client with its resources and its one connection. */
  record Connection(ClientResources resources, RedisClient client, StatefulRedisConnection<String, String> connection) {
    void close() {
      try {
        connection.close();
      } finally {
        shutdown(client, resources);
      }
    }
  }

  private static final class Shared {
    final Connection connection;
    int references;

    Shared(Connection connection) {
      this.connection = connection;
    }
  }

  /** One limiter's use of a connection; closing it releases the connection when nobody else uses it. */
  static final class Lease implements AutoCloseable {
    private final Connection connection;
    private final String sharedId;
    private boolean closed;

    private Lease(Connection connection, String sharedId) {
      this.connection = connection;
      this.sharedId = sharedId;
    }

    StatefulRedisConnection<String, String> connection() {
      return connection.connection();
    }

    @Override
    public void close() {
      synchronized (SHARED) {
        if (closed) {
          return;
        }
        closed = true;
        if (sharedId != null) {
          Shared entry = SHARED.get(sharedId);
          if (entry == null || --entry.references > 0) {
            return;
          }
          SHARED.remove(sharedId);
        }
      }
      connection.close();
    }
  }
}
