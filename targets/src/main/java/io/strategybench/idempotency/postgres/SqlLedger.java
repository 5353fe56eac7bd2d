package io.strategybench.idempotency.postgres;

import io.strategybench.idempotency.OrderLedger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * The orders of the PostgreSQL stores, in the {@code orders} table beside the keys: a transactional store inserts
 * its order in its own transaction, so the effects that count are the rows that committed. Every instance over one
 * database sees the same counts: {@code effects} = rows, {@code keys} = distinct keys, {@code duplicates} = the
 * difference. There is no fencing token in this table: {@code fencedOut} is always 0 (the recovery-points store
 * fences inside its transaction instead).
 */
public final class SqlLedger implements OrderLedger {
  private final DataSource dataSource;
  private final Executor executor;

  /**
   * @param dataSource the database of the orders (a store's pool)
   * @param executor where {@link #create} runs its insert (never the caller's thread)
   */
  public SqlLedger(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  /** Inserts one order of {@code key} in a transaction of its own (outside any store's); {@code fence} is unused. */
  @Override
  public CompletionStage<Long> create(String key, long fence) {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = dataSource.getConnection()) {
        return insertOrder(c, key);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  /** Inserts one order of {@code key} on {@code c}, in whatever transaction it has open; answers its id. */
  static long insertOrder(Connection c, String key) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO orders (key) VALUES (?) RETURNING id")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  @Override
  public Counts counts() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT key) FROM orders")) {
      r.next();
      long effects = r.getLong(1);
      long keys = r.getLong(2);
      return new Counts(effects, keys, effects - keys, 0);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count the orders: " + e.getMessage(), e);
    }
  }

  /** Orders created for {@code key}. */
  public long effects(String key) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM orders WHERE key = ?")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count the orders of " + key + ": " + e.getMessage(), e);
    }
  }

  /** Empties both tables, the keys and the orders, and restarts the order ids. */
  @Override
  public void reset() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE idempotency_keys, orders RESTART IDENTITY");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot empty the idempotency tables: " + e.getMessage(), e);
    }
  }

  /** The store that lent its pool closes it. */
  @Override
  public void close() {}
}
