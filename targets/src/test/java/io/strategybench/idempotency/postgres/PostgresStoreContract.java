package io.strategybench.idempotency.postgres;

import io.strategybench.idempotency.IdempotencySettings;
import io.strategybench.idempotency.IdempotencyStore;
import io.strategybench.idempotency.OrderLedger;
import io.strategybench.idempotency.Outcome;
import io.strategybench.idempotency.StoreContract;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;

/**
 * The contract for a PostgreSQL store: one real server per test class (started by the subclass's
 * {@code @BeforeAll} through {@link #start}), three store instances with pools of their own over one database, and
 * the orders counted in its {@code orders} table by an observer store.
 */
abstract class PostgresStoreContract extends StoreContract {
  static PostgresServerProcess server;
  static PostgresStore observer;
  private static Function<PostgresIdempotencySettings, PostgresStore> make;

  /** Starts the server and the observer for stores made by {@code store}. */
  static void start(Function<PostgresIdempotencySettings, PostgresStore> store) {
    make = store;
    server = PostgresServerProcess.launch();
    observer = store.apply(pg(server, 10_000));
  }

  @AfterAll
  static void stopServer() {
    if (observer != null) {
      observer.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static PostgresIdempotencySettings pg(PostgresServerProcess server, long lockTtlMillis) {
    PostgresIdempotencySettings s = new PostgresIdempotencySettings();
    s.url = server.url();
    s.user = server.user();
    s.poolSize = 8;
    s.lockTtlMillis = lockTtlMillis;
    return s;
  }

  static Outcome await(CompletionStage<Outcome> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Override
  protected IdempotencyStore newInstance(IdempotencySettings settings) {
    PostgresIdempotencySettings s = pg(server, settings.lockTtlMillis);
    s.ttlSeconds = settings.ttlSeconds;
    return make.apply(s);
  }

  @Override
  protected OrderLedger ledger(IdempotencyStore anyInstance) {
    return anyInstance.ownLedger();
  }

  @Override
  protected long effects(String key) {
    return observer.sqlLedger().effects(key);
  }
}
