package io.strategybench.idempotency.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.strategybench.idempotency.Attempt;
import io.strategybench.idempotency.Effect;
import io.strategybench.idempotency.IdempotencyStore;
import io.strategybench.idempotency.OrderLedger;
import io.strategybench.idempotency.Outcome;
import io.strategybench.idempotency.StoredResponse;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Strategy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the PostgreSQL stores share: one HikariCP pool per instance ({@code pool-size} connections, a connection
 * waited for at most {@code timeout-millis}), all JDBC work on a bounded executor of as many threads (so
 * {@link #execute} returns at once and a full queue fails fast), the two tables created when missing, and the
 * {@link SqlLedger} over the same database.
 *
 * <p>One schema serves both stores: {@code idempotency_keys} (key, request fingerprint, created_at for the TTL,
 * locked_at and lock_version for the recovery-points lock, recovery_point, order_id, the stored response) and
 * {@code orders} (a serial id and the key). A store instance is one target instance: three of them over one
 * database keep one effect per key between them.
 */
public abstract class PostgresStore implements IdempotencyStore {
  /** How many attempts may wait for a thread of an instance before one is refused (Failed, 503). */
  static final int QUEUE_PER_THREAD = 256;

  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final long SCHEMA_LOCK = 0x5b1d_e9b0_7e17L; // pg_advisory_xact_lock id: one DDL at a time

  private static final String[] SCHEMA = {
      """
      CREATE TABLE IF NOT EXISTS idempotency_keys (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        locked_at timestamptz,
        lock_version bigint NOT NULL DEFAULT 1,
        recovery_point text NOT NULL DEFAULT 'started'
          CHECK (recovery_point IN ('started', 'order_created', 'finished')),
        order_id bigint,
        response_status int,
        response_body bytea
      )""",
      "CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, key text NOT NULL,"
          + " created_at timestamptz NOT NULL DEFAULT now())",
      "CREATE INDEX IF NOT EXISTS orders_key_idx ON orders (key)"
  };

  protected final PostgresIdempotencySettings settings;
  protected final String name;
  protected final HikariDataSource pool;
  private final ThreadPoolExecutor executor;
  private final SqlLedger ledger;

  protected final LongAdder processed = new LongAdder();
  protected final LongAdder replayed = new LongAdder();
  protected final LongAdder inFlight = new LongAdder();
  protected final LongAdder mismatches = new LongAdder();
  protected final LongAdder crashed = new LongAdder();
  protected final LongAdder expired = new LongAdder();
  protected final LongAdder failures = new LongAdder();

  /**
   * Opens the pool and creates the tables when missing.
   *
   * @throws InvalidParameterException naming {@code url} when the database cannot be reached
   */
  protected PostgresStore(PostgresIdempotencySettings settings) {
    settings.validate();
    this.settings = settings;
    Strategy strategy = getClass().getAnnotation(Strategy.class);
    this.name = strategy == null ? getClass().getSimpleName() : strategy.name();
    String url = settings.url.trim();
    HikariConfig config = new HikariConfig();
    config.setPoolName("idempotency-" + name + "-" + INSTANCES.incrementAndGet());
    config.setJdbcUrl(url);
    config.setDriverClassName("org.postgresql.Driver"); // named, not looked up through DriverManager
    config.setUsername(settings.user);
    config.setPassword(settings.password);
    config.setMaximumPoolSize(settings.poolSize);
    config.setMinimumIdle(settings.poolSize);
    config.setConnectionTimeout(settings.timeoutMillis);
    config.setValidationTimeout(Math.min(settings.timeoutMillis, 5000));
    config.setInitializationFailTimeout(1); // fail at start, not on the first request
    config.setAutoCommit(true);
    // A statement waits for a lock (a row another attempt holds) no longer than the timeout.
    config.setConnectionInitSql("SET lock_timeout = " + settings.timeoutMillis);
    config.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, (settings.timeoutMillis + 999) / 1000)));
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("ApplicationName", "strategybench-" + name);
    HikariDataSource opened;
    try {
      opened = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw unreachable(url, e);
    }
    this.pool = opened;
    try {
      createSchema();
    } catch (SQLException e) {
      pool.close();
      throw unreachable(url, e);
    }
    AtomicInteger threads = new AtomicInteger();
    String poolName = config.getPoolName();
    this.executor = new ThreadPoolExecutor(settings.poolSize, settings.poolSize, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.poolSize * QUEUE_PER_THREAD), r -> {
          Thread t = new Thread(r, poolName + "-jdbc-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.ledger = new SqlLedger(pool, executor);
  }

  private InvalidParameterException unreachable(String url, Throwable e) {
    return new InvalidParameterException("url", "parameter 'url' of " + FAMILY.name() + " strategy '" + name
        + "': cannot reach PostgreSQL at " + url + " (" + causeOf(e) + "); start PostgreSQL (Debian: apt-get"
        + " install postgresql) or set -p url=jdbc:postgresql://HOST:PORT/DATABASE");
  }

  private static String causeOf(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.contains("Connection refused") ? "Connection refused" : message;
  }

  private void createSchema() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      try {
        // CREATE ... IF NOT EXISTS races with itself (a unique violation in the catalog): one instance at a time
        s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        for (String ddl : SCHEMA) {
          s.execute(ddl);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  @Override
  public final CompletionStage<Outcome> execute(Attempt attempt, Effect effect) {
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return run(attempt, effect);
        } catch (SQLException e) {
          failures.increment();
          return new Outcome.Failed(name + ": " + e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failures.increment();
          return new Outcome.Failed(name + ": interrupted (the store is closing)");
        }
      }, executor);
    } catch (RejectedExecutionException e) {
      failures.increment();
      return CompletableFuture.completedFuture(new Outcome.Failed(name + ": " + executor.getQueue().size()
          + " attempts already wait for a connection (pool-size " + settings.poolSize + ")"));
    }
  }

  /** One attempt, on a thread of the executor: may block on the database and on the effect's processing time. */
  protected abstract Outcome run(Attempt attempt, Effect effect) throws SQLException, InterruptedException;

  /**
   * As a killed instance: its transaction is rolled back and its connection dropped, not returned to the pool
   * (the server would see the socket close and abort the transaction; the rollback makes that immediate).
   */
  protected final void abandon(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the eviction below drops it anyway
    }
    pool.evictConnection(c); // closes the physical connection; the proxy must not go back to the pool
  }

  /** Rolls back, ignoring a failure (the connection goes back to the pool, which resets it). */
  protected static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the pool validates it before the next use
    }
  }

  /** Sleeps the effect's processing time: the order service's work. */
  protected static void work(Effect effect) throws InterruptedException {
    long nanos = effect.processingNanos();
    if (nanos > 0) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }
  }

  /** The SQL state of a statement that gave up waiting for a lock ({@code lock_timeout}, {@code NOWAIT}). */
  protected static boolean lockNotAvailable(SQLException e) {
    return "55P03".equals(e.getSQLState());
  }

  /** Milliseconds as a PostgreSQL interval expression's operand: {@code (? * interval '1 millisecond')}. */
  protected static final String MILLIS = "(?::double precision * interval '1 millisecond')";

  protected final long ttlMillis() {
    return settings.ttlSeconds * 1000;
  }

  protected static StoredResponse response(int status, byte[] body) {
    return new StoredResponse(status, body);
  }

  @Override
  public final OrderLedger ownLedger() {
    return ledger;
  }

  /** The ledger as its class, for {@link SqlLedger#effects(String)}. */
  public final SqlLedger sqlLedger() {
    return ledger;
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("processed", processed.sum());
    s.put("replayed", replayed.sum());
    s.put("inFlight", inFlight.sum());
    s.put("mismatches", mismatches.sum());
    s.put("crashed", crashed.sum());
    s.put("expiredTakeovers", expired.sum());
    s.put("failures", failures.sum());
    s.put("poolActive", pool.getHikariPoolMXBean() == null ? 0 : pool.getHikariPoolMXBean().getActiveConnections());
    s.put("queued", executor.getQueue().size());
    return s;
  }

  /** Forgets every key (the orders stay: {@link SqlLedger#reset()} empties both) and zeroes the counters. */
  @Override
  public void reset() {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE idempotency_keys");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot empty idempotency_keys: " + e.getMessage(), e);
    }
    for (LongAdder a : new LongAdder[] {processed, replayed, inFlight, mismatches, crashed, expired, failures}) {
      a.reset();
    }
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    pool.close();
  }
}
