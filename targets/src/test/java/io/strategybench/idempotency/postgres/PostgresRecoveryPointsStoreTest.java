package io.strategybench.idempotency.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.idempotency.Attempt;
import io.strategybench.idempotency.IdempotencyStore;
import io.strategybench.idempotency.LedgerEffect;
import io.strategybench.idempotency.Outcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The recovery-points store against a real PostgreSQL: the contract on three instances, and what each crash point
 * leaves: a key stuck (409) until the lock TTL, then taken over and run once; an order that a retry resumes from
 * without creating a second; the reaper; a too-slow attempt fenced out by the one that took its key.
 */
class PostgresRecoveryPointsStoreTest extends PostgresStoreContract {
  @BeforeAll
  static void startServer() {
    start(PostgresRecoveryPointsStore::new);
  }

  private List<PostgresRecoveryPointsStore> three(long lockTtlMillis) {
    return threeInstances(settings(lockTtlMillis)).stream().map(s -> (PostgresRecoveryPointsStore) s).toList();
  }

  @Test
  void aCrashHoldingTheKeyIs409UntilTheLockTtlThenARetryRunsOnce() throws Exception {
    List<PostgresRecoveryPointsStore> stores = three(1500);
    try {
      LedgerEffect effect = new LedgerEffect(stores.get(0).ownLedger(), 100_000_000L);
      String key = "crash-lock-" + System.nanoTime();
      assertThat(await(stores.get(0).execute(new Attempt(key, "fp", Attempt.CrashPoint.HOLDING_LOCK), effect)))
          .isInstanceOf(Outcome.Crashed.class);
      assertThat(effects(key)).isZero();
      assertThat(await(stores.get(1).execute(new Attempt(key, "fp"), effect)))
          .as("stuck: locked at 'started'").isInstanceOf(Outcome.InFlight.class);
      Thread.sleep(1700);
      Outcome retry = await(stores.get(1).execute(new Attempt(key, "fp"), effect));
      assertThat(retry).isInstanceOf(Outcome.Processed.class);
      assertThat(effects(key)).isEqualTo(1);
      assertThat(stores.get(1).stats()).containsEntry("lockTakeovers", 1L).containsEntry("resumed", 0L);
      assertThat(await(stores.get(2).execute(new Attempt(key, "fp"), effect)))
          .isEqualTo(new Outcome.Replayed(((Outcome.Processed) retry).response()));
    } finally {
      stores.forEach(IdempotencyStore::close);
    }
  }

  @Test
  void aCrashAfterTheEffectIsResumedFromOrderCreatedWithoutASecondOrder() throws Exception {
    List<PostgresRecoveryPointsStore> stores = three(1500);
    try {
      LedgerEffect effect = new LedgerEffect(stores.get(0).ownLedger(), 100_000_000L);
      String key = "crash-effect-" + System.nanoTime();
      assertThat(await(stores.get(0).execute(new Attempt(key, "fp", Attempt.CrashPoint.AFTER_EFFECT), effect)))
          .isInstanceOf(Outcome.Crashed.class);
      assertThat(effects(key)).as("phase 2 committed the order").isEqualTo(1);
      long orderId = orderIdOf(key);
      assertThat(await(stores.get(1).execute(new Attempt(key, "fp"), effect))).isInstanceOf(Outcome.InFlight.class);
      Thread.sleep(1700);
      Outcome retry = await(stores.get(1).execute(new Attempt(key, "fp"), effect));
      assertThat(retry).isInstanceOf(Outcome.Processed.class);
      assertThat(((Outcome.Processed) retry).response()).isEqualTo(effect.created(orderId, key));
      assertThat(effects(key)).as("resumed: no second order").isEqualTo(1);
      assertThat(stores.get(1).stats()).containsEntry("resumed", 1L);
      assertThat(await(stores.get(2).execute(new Attempt(key, "fp"), effect)))
          .isEqualTo(new Outcome.Replayed(((Outcome.Processed) retry).response()));
      assertThat(effects(key)).isEqualTo(1);
    } finally {
      stores.forEach(IdempotencyStore::close);
    }
  }

  @Test
  void theReaperFreesKeysAbandonedBeforeTheirFirstRecoveryPointOnly() throws Exception {
    List<PostgresRecoveryPointsStore> stores = three(1500);
    try {
      LedgerEffect effect = new LedgerEffect(stores.get(0).ownLedger(), 0);
      long n = System.nanoTime();
      String started = "reap-started-" + n;
      String created = "reap-created-" + n;
      assertThat(await(stores.get(0).execute(new Attempt(started, "fp", Attempt.CrashPoint.HOLDING_LOCK), effect)))
          .isInstanceOf(Outcome.Crashed.class);
      assertThat(await(stores.get(0).execute(new Attempt(created, "fp", Attempt.CrashPoint.AFTER_EFFECT), effect)))
          .isInstanceOf(Outcome.Crashed.class);
      assertThat(stores.get(2).reap()).as("locks still fresh").isZero();
      Thread.sleep(1700);
      assertThat(stores.get(2).reap()).as("only the key at 'started'").isEqualTo(1);
      assertThat(stores.get(2).stats()).containsEntry("reaped", 1L);
      assertThat(await(stores.get(1).execute(new Attempt(started, "fp"), effect))).isInstanceOf(Outcome.Processed.class);
      assertThat(stores.get(1).stats()).as("a fresh key, not a takeover").containsEntry("lockTakeovers", 0L);
      assertThat(await(stores.get(1).execute(new Attempt(created, "fp"), effect))).isInstanceOf(Outcome.Processed.class);
      assertThat(effects(started)).isEqualTo(1);
      assertThat(effects(created)).isEqualTo(1);
    } finally {
      stores.forEach(IdempotencyStore::close);
    }
  }

  @Test
  void anAttemptSlowerThanTheLockTtlIsFencedOutByTheOneThatTookItsKey() throws Exception {
    List<PostgresRecoveryPointsStore> stores = three(200);
    try {
      String key = "slow-" + System.nanoTime();
      Started slow = new Started(new LedgerEffect(stores.get(0).ownLedger(), 3_000_000_000L));
      LedgerEffect quick = new LedgerEffect(stores.get(0).ownLedger(), 50_000_000L);
      CompletableFuture<Outcome> first = stores.get(0).execute(new Attempt(key, "fp"), slow).toCompletableFuture();
      slow.await(); // the first holds the key and works for 3 s; its 200 ms lock expires meanwhile
      Thread.sleep(300);
      Outcome second = await(stores.get(1).execute(new Attempt(key, "fp"), quick));
      assertThat(second).as("the lock expired: taken over").isInstanceOf(Outcome.Processed.class);
      assertThat(first.get(10, TimeUnit.SECONDS)).as("its order rolled back").isInstanceOf(Outcome.Fenced.class);
      assertThat(effects(key)).isEqualTo(1);
      assertThat(stores.get(0).stats()).containsEntry("fenced", 1L);
    } finally {
      stores.forEach(IdempotencyStore::close);
    }
  }

  @Test
  void aFinishedKeyWithAnotherRequestIs422() throws Exception {
    try (PostgresRecoveryPointsStore store = new PostgresRecoveryPointsStore(pg(server, 10_000))) {
      LedgerEffect effect = new LedgerEffect(store.ownLedger(), 0);
      String key = "other-" + System.nanoTime();
      assertThat(await(store.execute(new Attempt(key, "fp-a"), effect))).isInstanceOf(Outcome.Processed.class);
      assertThat(await(store.execute(new Attempt(key, "fp-b"), effect))).isInstanceOf(Outcome.Mismatch.class);
      assertThat(effects(key)).isEqualTo(1);
    }
  }

  private static long orderIdOf(String key) throws Exception {
    try (var c = java.sql.DriverManager.getConnection(server.url(), server.user(), "");
        var s = c.prepareStatement("SELECT id FROM orders WHERE key = ?")) {
      s.setString(1, key);
      try (var r = s.executeQuery()) {
        assertThat(r.next()).isTrue();
        return r.getLong(1);
      }
    }
  }
}
