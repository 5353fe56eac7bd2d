package io.strategybench.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every store that keeps one effect per key across instances must do (Stripe's semantics, the IETF draft):
 * a store's test extends this and says how to make three instances of it over one server and where its orders are
 * counted. The numbers are exact: one effect, every other answer the stored response byte for byte or a 409.
 */
public abstract class StoreContract {
  /** A new instance of the store, as one target instance would hold it, over the test's server. */
  protected abstract IdempotencyStore newInstance(IdempotencySettings settings);

  /** The ledger every instance's effects go to (the store's own for a transactional store). */
  protected abstract OrderLedger ledger(IdempotencyStore anyInstance);

  /** Orders created for {@code key}, as the ledger counts them. */
  protected abstract long effects(String key);

  protected static IdempotencySettings settings(long lockTtlMillis) {
    IdempotencySettings s = new IdempotencySettings();
    s.lockTtlMillis = lockTtlMillis;
    return s;
  }

  /** Runs {@code attempts} at once (released together), spread over {@code stores} in turn. */
  protected static List<Outcome> concurrently(List<IdempotencyStore> stores, int attempts, Attempt attempt,
      Effect effect) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(attempts, 16));
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<Outcome>> answers = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        IdempotencyStore store = stores.get(i % stores.size());
        answers.add(CompletableFuture.supplyAsync(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return store;
        }, pool).thenCompose(s -> s.execute(attempt, effect)).toCompletableFuture());
      }
      start.countDown();
      List<Outcome> outcomes = new ArrayList<>();
      for (CompletableFuture<Outcome> a : answers) {
        outcomes.add(a.get(30, TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * An effect that says when an attempt holding its key begins its work (a store calls {@code apply}, or, for a
   * transactional one, {@code processingNanos} inside its transaction): a test waits for that instead of sleeping,
   * so a slow machine cannot reorder the attempts it means to race.
   */
  protected static final class Started implements Effect {
    private final Effect inner;
    private final CountDownLatch started = new CountDownLatch(1);

    public Started(Effect inner) {
      this.inner = inner;
    }

    @Override
    public java.util.concurrent.CompletionStage<StoredResponse> apply(String key, long fence) {
      started.countDown();
      return inner.apply(key, fence);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> announce(String key, long fence) {
      return inner.announce(key, fence);
    }

    @Override
    public long processingNanos() {
      started.countDown();
      return inner.processingNanos();
    }

    @Override
    public StoredResponse created(long id, String key) {
      return inner.created(id, key);
    }

    /** Waits until an attempt holding its key began its work. */
    public void await() throws InterruptedException {
      assertThat(started.await(30, TimeUnit.SECONDS)).as("an attempt began its work").isTrue();
    }
  }

  protected final List<IdempotencyStore> threeInstances(IdempotencySettings settings) {
    return List.of(newInstance(settings), newInstance(settings), newInstance(settings));
  }

  @Test
  void fiftyConcurrentAttemptsOnThreeInstancesMakeOneEffectAndOneAnswer() throws Exception {
    List<IdempotencyStore> stores = threeInstances(settings(10_000));
    try {
      LedgerEffect effect = new LedgerEffect(ledger(stores.get(0)), 200_000_000L);
      String key = "order-" + System.nanoTime();
      List<Outcome> outcomes = concurrently(stores, 50, new Attempt(key, "fp-1"), effect);
      assertThat(effects(key)).as("orders created for the key").isEqualTo(1);
      List<Outcome.Processed> processed = outcomes.stream().filter(o -> o instanceof Outcome.Processed)
          .map(o -> (Outcome.Processed) o).toList();
      assertThat(processed).hasSize(1);
      StoredResponse stored = processed.get(0).response();
      for (Outcome o : outcomes) {
        if (o instanceof Outcome.Replayed r) {
          assertThat(r.response().body()).isEqualTo(stored.body());
          assertThat(r.response().status()).isEqualTo(stored.status());
        } else {
          assertThat(o).isInstanceOfAny(Outcome.Processed.class, Outcome.InFlight.class);
        }
      }
      // a retry after it completed replays it, on every instance
      for (IdempotencyStore s : stores) {
        Outcome again = s.execute(new Attempt(key, "fp-1"), effect).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(again).isInstanceOf(Outcome.Replayed.class);
        assertThat(((Outcome.Replayed) again).response()).isEqualTo(stored);
      }
      assertThat(effects(key)).isEqualTo(1);
    } finally {
      stores.forEach(IdempotencyStore::close);
    }
  }

  @Test
  void theKeyWithAnotherRequestIs422AndWhileRunning409() throws Exception {
    List<IdempotencyStore> stores = threeInstances(settings(10_000));
    try {
      LedgerEffect slow = new LedgerEffect(ledger(stores.get(0)), 2_000_000_000L);
      String key = "k-" + System.nanoTime();
      Started started = new Started(slow);
      CompletableFuture<Outcome> first = stores.get(0).execute(new Attempt(key, "fp-a"), started)
          .toCompletableFuture();
      started.await(); // the first holds the key; its work takes 2 s
      Outcome during = stores.get(1).execute(new Attempt(key, "fp-a"), slow).toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertThat(first).as("the first still runs").isNotDone();
      assertThat(during).isInstanceOf(Outcome.InFlight.class);
      assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(Outcome.Processed.class);
      Outcome other = stores.get(2).execute(new Attempt(key, "fp-b"), slow).toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertThat(other).isInstanceOf(Outcome.Mismatch.class);
      assertThat(effects(key)).isEqualTo(1);
    } finally {
      stores.forEach(IdempotencyStore::close);
    }
  }
}
