package io.strategybench.ratelimit.redis;

import io.lettuce.core.codec.StringCodec;
import io.strategybench.redis.RedisClients;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * One Lettuce {@link RedisClient} and one {@link StatefulRedisConnection} per Redis URI (and timeout) per JVM,
 * shared by every Redis rate limiter that points there and closed when the last of them closes. Lettuce
 * pipelines commands of many threads over the one connection.
 *
 * <p>The client never lets a call hang: commands time out after the limiter's timeout; while Redis is down
 * they are rejected at once instead of queueing ({@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS});
 * the connection reconnects by itself, retrying at most every {@value RedisClients#MAX_RECONNECT_DELAY_MILLIS} ms so that
 * a restarted Redis is used again within about a second.
 */
final class RedisConnections {
  private static final Map<String, Shared> SHARED = new HashMap<>();
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
    RedisClients.Client<String> c = RedisClients.connect(uri, timeoutMillis, StringCodec.UTF8);
    return new Connection(c.client(), c.connection());
  }

  /** A client and its one connection. */
  record Connection(RedisClient client, StatefulRedisConnection<String, String> connection) {
    void close() {
      try {
        connection.close();
      } finally {
        RedisClients.shutdown(client); // the shared event loops stay
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
