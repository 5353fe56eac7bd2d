package io.strategybench.idempotency;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A ledger in this JVM: the orders of every instance that runs in it (tests, one-process runs). */
public final class MemoryLedger implements OrderLedger {
  private final ConcurrentHashMap<String, long[]> byKey = new ConcurrentHashMap<>(); // {orders, highest fence}
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong effects = new AtomicLong();
  private final AtomicLong fencedOut = new AtomicLong();

  @Override
  public CompletionStage<Long> create(String key, long fence) {
    long[] refused = {0};
    byKey.compute(key, (k, v) -> {
      long[] state = v == null ? new long[2] : v;
      if (fence > 0 && fence < state[1]) {
        refused[0] = 1;
        return state;
      }
      state[0]++;
      state[1] = Math.max(state[1], fence);
      return state;
    });
    if (refused[0] == 1) {
      fencedOut.incrementAndGet();
      return CompletableFuture.completedFuture(-1L);
    }
    effects.incrementAndGet();
    return CompletableFuture.completedFuture(ids.incrementAndGet());
  }

  @Override
  public CompletionStage<Void> announce(String key, long fence) {
    byKey.compute(key, (k, v) -> {
      long[] state = v == null ? new long[2] : v;
      state[1] = Math.max(state[1], fence);
      return state;
    });
    return CompletableFuture.completedFuture(null);
  }

  /** Orders created for {@code key}. */
  public long effects(String key) {
    long[] state = byKey.get(key);
    return state == null ? 0 : state[0];
  }

  @Override
  public Counts counts() {
    long keys = byKey.values().stream().filter(s -> s[0] > 0).count();
    long total = effects.get();
    return new Counts(total, keys, total - keys, fencedOut.get());
  }

  @Override
  public void reset() {
    byKey.clear();
    effects.set(0);
    fencedOut.set(0);
  }
}
