package io.strategybench.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store: exactly one effect per key on one instance (the contract, run on one instance three times
 * over), more than one across instances (the control), and a crash holding the lock frees the key after its TTL.
 */
class InMemoryStoreTest extends StoreContract {
  private final MemoryLedger ledger = new MemoryLedger();
  private final InMemoryStore shared = new InMemoryStore();

  @Override
  protected IdempotencyStore newInstance(IdempotencySettings settings) {
    return shared; // one instance: every attempt reaches the same map
  }

  @Override
  protected OrderLedger ledger(IdempotencyStore anyInstance) {
    return ledger;
  }

  @Override
  protected long effects(String key) {
    return ledger.effects(key);
  }

  @Test
  void acrossThreeInstancesTheSameKeyRunsMoreThanOnce() throws Exception {
    List<IdempotencyStore> three = List.of(new InMemoryStore(), new InMemoryStore(), new InMemoryStore());
    LedgerEffect effect = new LedgerEffect(ledger, 200_000_000L);
    List<Outcome> outcomes = concurrently(three, 50, new Attempt("spread", "fp"), effect);
    assertThat(ledger.effects("spread")).isEqualTo(3);
    assertThat(outcomes.stream().filter(o -> o instanceof Outcome.Processed).count()).isEqualTo(3);
  }

  @Test
  void noStoreRunsEveryAttempt() throws Exception {
    List<IdempotencyStore> one = List.of(new NoStore());
    List<Outcome> outcomes = concurrently(one, 20, new Attempt("none", "fp"), new LedgerEffect(ledger, 0));
    assertThat(ledger.effects("none")).isEqualTo(20);
    assertThat(outcomes).allMatch(o -> o instanceof Outcome.Processed);
  }

  @Test
  void aCrashHoldingTheLockLeavesTheKeyStuckUntilItsTtl() throws Exception {
    io.strategybench.strategy.ManualClock clock = new io.strategybench.strategy.ManualClock();
    InMemoryStore store = new InMemoryStore(settings(300), io.strategybench.strategy.StrategyContext.seeded(clock, 1));
    LedgerEffect effect = new LedgerEffect(ledger, 0);
    Outcome crashed = store.execute(new Attempt("stuck", "fp", Attempt.CrashPoint.HOLDING_LOCK), effect)
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(crashed).isInstanceOf(Outcome.Crashed.class);
    assertThat(store.execute(new Attempt("stuck", "fp"), effect).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(Outcome.InFlight.class);
    clock.advance(299_000_000L);
    assertThat(store.execute(new Attempt("stuck", "fp"), effect).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .as("1 ms before the lock's TTL").isInstanceOf(Outcome.InFlight.class);
    clock.advance(1_000_000L);
    assertThat(store.execute(new Attempt("stuck", "fp"), effect).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(Outcome.Processed.class);
    assertThat(ledger.effects("stuck")).isEqualTo(1);
  }

  @Test
  void aCrashAfterTheEffectRunsItAgainOnceTheLockExpires() throws Exception {
    io.strategybench.strategy.ManualClock clock = new io.strategybench.strategy.ManualClock();
    InMemoryStore store = new InMemoryStore(settings(200), io.strategybench.strategy.StrategyContext.seeded(clock, 1));
    LedgerEffect effect = new LedgerEffect(ledger, 0);
    store.execute(new Attempt("twice", "fp", Attempt.CrashPoint.AFTER_EFFECT), effect).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    clock.advance(200_000_000L);
    assertThat(store.execute(new Attempt("twice", "fp"), effect).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(Outcome.Processed.class);
    assertThat(ledger.effects("twice")).as("at least once: the effect ran before the crash and again").isEqualTo(2);
  }
}
