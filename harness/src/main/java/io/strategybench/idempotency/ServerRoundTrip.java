package io.strategybench.idempotency;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/** The cheapest request a store's server answers, on a connection of its own: the floor under a store's cost. */
abstract class ServerRoundTrip implements Callable<Object>, AutoCloseable {
  /** For {@code url}: PING for Redis, SELECT 1 for PostgreSQL, nothing for none. */
  static ServerRoundTrip open(String url) {
    if (url.startsWith("redis://") || url.startsWith("rediss://")) {
      return new Redis(url);
    }
    if (url.startsWith("jdbc:")) {
      return new Sql(url);
    }
    return new ServerRoundTrip() {
      @Override
      public Object call() {
        return null;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public abstract void close();

  private static final class Redis extends ServerRoundTrip {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    Redis(String url) {
      client = RedisClient.create(url);
      connection = client.connect();
    }

    @Override
    public Object call() {
      return connection.sync().ping();
    }

    @Override
    public void close() {
      connection.close();
      client.shutdown();
    }
  }

  private static final class Sql extends ServerRoundTrip {
    private final Connection connection;
    private final PreparedStatement select;

    Sql(String url) {
      try {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "postgres");
        connection = DriverManager.getConnection(url, p);
        select = connection.prepareStatement("SELECT 1");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot reach PostgreSQL at " + url + ": " + e.getMessage(), e);
      }
    }

    @Override
    public Object call() throws SQLException {
      try (ResultSet r = select.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }

    @Override
    public void close() {
      try {
        connection.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }
}
