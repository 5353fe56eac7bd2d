package io.strategybench.idempotency.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.idempotency.Attempt;
import io.strategybench.idempotency.IdempotencyStore;
import io.strategybench.idempotency.LedgerEffect;
import io.strategybench.idempotency.OrderLedger;
import io.strategybench.idempotency.Outcome;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.SettingsBinder;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one-transaction store against a real PostgreSQL: the contract on three instances (three pools over one
 * database, effects counted in its {@code orders} table), and what each crash point leaves: nothing.
 */
class PostgresUniqueStoreTest extends PostgresStoreContract {
  @BeforeAll
  static void startServer() {
    start(PostgresUniqueStore::new);
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aCrashHoldingTheKeyLeavesNothingAndTheKeyFree() throws Exception {
    List<IdempotencyStore> stores = threeInstances(settings(10_000));
    try {
      LedgerEffect effect = new LedgerEffect(stores.get(0).ownLedger(), 100_000_000L);
      String key = "crash-lock-" + System.nanoTime();
      assertThat(await(stores.get(0).execute(new Attempt(key, "fp", Attempt.CrashPoint.HOLDING_LOCK), effect)))
          .isInstanceOf(Outcome.Crashed.class);
      assertThat(effects(key)).isZero();
      // no lock TTL to wait for: the transaction died with its connection
      Outcome retry = await(stores.get(1).execute(new Attempt(key, "fp"), effect));
      assertThat(retry).isInstanceOf(Outcome.Processed.class);
      assertThat(effects(key)).isEqualTo(1);
      assertThat(await(stores.get(2).execute(new Attempt(key, "fp"), effect)))
          .isEqualTo(new Outcome.Replayed(((Outcome.Processed) retry).response()));
      assertThat(effects(key)).isEqualTo(1);
    } finally {
      stores.forEach(IdempotencyStore::close);
    }
  }

  @Test
  void aCrashAfterTheEffectRollsTheOrderBackAndARetryCreatesExactlyOne() throws Exception {
    List<IdempotencyStore> stores = threeInstances(settings(10_000));
    try {
      LedgerEffect effect = new LedgerEffect(stores.get(0).ownLedger(), 100_000_000L);
      String key = "crash-effect-" + System.nanoTime();
      assertThat(await(stores.get(0).execute(new Attempt(key, "fp", Attempt.CrashPoint.AFTER_EFFECT), effect)))
          .isInstanceOf(Outcome.Crashed.class);
      assertThat(effects(key)).as("the order was inserted but never committed").isZero();
      Outcome retry = await(stores.get(1).execute(new Attempt(key, "fp"), effect));
      assertThat(retry).isInstanceOf(Outcome.Processed.class);
      assertThat(effects(key)).isEqualTo(1);
      assertThat(((PostgresStore) stores.get(0)).stats()).containsEntry("crashed", 1L);
    } finally {
      stores.forEach(IdempotencyStore::close);
    }
  }

  @Test
  void anotherRequestWhileTheFirstRunsIs409AndAfterIt422() throws Exception {
    List<IdempotencyStore> stores = threeInstances(settings(10_000));
    try {
      LedgerEffect slow = new LedgerEffect(stores.get(0).ownLedger(), 2_000_000_000L);
      String key = "mismatch-" + System.nanoTime();
      Started started = new Started(slow);
      CompletableFuture<Outcome> first = stores.get(0).execute(new Attempt(key, "fp-a"), started)
          .toCompletableFuture();
      started.await(); // the first holds its uncommitted key row; its work takes 2 s
      assertThat(await(stores.get(1).execute(new Attempt(key, "fp-b"), slow)))
          .as("the first row is uncommitted, its fingerprint unseen").isInstanceOf(Outcome.InFlight.class);
      assertThat(first).as("answered while the first still works, not after it").isNotDone();
      assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(Outcome.Processed.class);
      assertThat(await(stores.get(1).execute(new Attempt(key, "fp-b"), slow))).isInstanceOf(Outcome.Mismatch.class);
      assertThat(effects(key)).isEqualTo(1);
    } finally {
      stores.forEach(IdempotencyStore::close);
    }
  }

  @Test
  void executeAnswersAtOnceAndTheWorkRunsOnTheStoresThreads() throws Exception {
    try (PostgresUniqueStore store = new PostgresUniqueStore(pg(server, 10_000))) {
      LedgerEffect slow = new LedgerEffect(store.ownLedger(), 1_000_000_000L);
      long t0 = System.nanoTime();
      CompletionStage<Outcome> stage = store.execute(new Attempt("async-" + t0, "fp"), slow);
      // returned before its 1 s of work: had it run on the caller's thread, the stage would be done
      assertThat(stage.toCompletableFuture().isDone()).isFalse();
      assertThat(await(stage)).isInstanceOf(Outcome.Processed.class);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(1000);
    }
  }

  @Test
  void aKeyPastItsTtlCountsAsAbsent() throws Exception {
    PostgresIdempotencySettings s = pg(server, 500);
    s.ttlSeconds = 1;
    try (PostgresUniqueStore store = new PostgresUniqueStore(s)) {
      LedgerEffect effect = new LedgerEffect(store.ownLedger(), 0);
      String key = "ttl-" + System.nanoTime();
      Outcome first = await(store.execute(new Attempt(key, "fp"), effect));
      assertThat(first).isInstanceOf(Outcome.Processed.class);
      assertThat(await(store.execute(new Attempt(key, "fp"), effect))).isInstanceOf(Outcome.Replayed.class);
      Thread.sleep(1100);
      Outcome later = await(store.execute(new Attempt(key, "fp-other"), effect));
      assertThat(later).as("a new request: the old one expired").isInstanceOf(Outcome.Processed.class);
      assertThat(effects(key)).isEqualTo(2);
      assertThat(store.stats()).containsEntry("expiredTakeovers", 1L);
    }
  }

  @Test
  void theLedgerCountsEffectsKeysAndDuplicatesFromTheOrdersTable() throws Exception {
    SqlLedger ledger = observer.sqlLedger();
    OrderLedger.Counts before = ledger.counts();
    String key = "ledger-" + System.nanoTime();
    ledger.create(key, 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    ledger.create(key, 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    OrderLedger.Counts after = ledger.counts();
    assertThat(after.effects() - before.effects()).isEqualTo(2);
    assertThat(after.keys() - before.keys()).isEqualTo(1);
    assertThat(after.duplicates() - before.duplicates()).isEqualTo(1);
    assertThat(ledger.effects(key)).isEqualTo(2);
  }

  @Test
  void aStoreWhereNothingListensFailsAtStartNamingTheUrl() throws Exception {
    PostgresIdempotencySettings s = new PostgresIdempotencySettings();
    s.url = "jdbc:postgresql://127.0.0.1:" + freePort() + "/nowhere";
    s.timeoutMillis = 500;
    assertThatThrownBy(() -> new PostgresUniqueStore(s))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("url"))
        .hasMessageContaining(s.url)
        .hasMessageContaining("start PostgreSQL")
        .hasMessageContaining("apt-get install postgresql");
  }

  @Test
  void badParametersNameTheParameter() {
    assertThat(PostgresServerProcess.NOT_INSTALLED).contains("apt-get install postgresql");
    for (String[] bad : new String[][] {{"pool-size", "0"}, {"timeout-millis", "0"}, {"url", "redis://x"}}) {
      assertThatThrownBy(() -> SettingsBinder.bind(PostgresIdempotencySettings.class, Map.of(bad[0], bad[1]),
          "idempotency strategy 'postgres-unique'"))
          .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo(bad[0]))
          .hasMessageContaining(bad[0]);
    }
    PostgresIdempotencySettings s = new PostgresIdempotencySettings();
    s.poolSize = 0;
    assertThatThrownBy(s::validate).hasMessageContaining("pool-size");
    s.poolSize = 8;
    s.timeoutMillis = 0;
    assertThatThrownBy(s::validate).hasMessageContaining("timeout-millis");
  }

  @Test
  void bothStoresAreRegisteredWithTheirCharacteristics() {
    StrategyRegistry registry = StrategyRegistry.load(List.of(IdempotencyStore.FAMILY), List.of());
    StrategyDescriptor<IdempotencyStore> unique = registry.strategy(IdempotencyStore.FAMILY, "postgres-unique");
    assertThat(unique.characteristics()).containsExactlyInAnyOrder(IdempotencyStore.SHARED,
        IdempotencyStore.REMOTE_STATE, IdempotencyStore.TRANSACTIONAL);
    StrategyDescriptor<IdempotencyStore> points =
        registry.strategy(IdempotencyStore.FAMILY, "postgres-recovery-points");
    assertThat(points.characteristics()).containsExactlyInAnyOrder(IdempotencyStore.SHARED,
        IdempotencyStore.REMOTE_STATE, IdempotencyStore.RECOVERY_POINTS, IdempotencyStore.LOCK_TTL,
        IdempotencyStore.FENCED);
    assertThat(unique.settings()).extracting(d -> d.name())
        .contains("url", "user", "password", "pool-size", "timeout-millis", "ttl-seconds", "lock-ttl-millis");
    // built through the registry, as a run builds it
    IdempotencyStore built = unique.create(Map.of("url", server.url(), "pool-size", "2"),
        io.strategybench.strategy.StrategyContext.system());
    built.close();
  }
}
