package io.strategybench.idempotency;

import java.util.concurrent.CompletionStage;

/**
 * Where orders are created and counted: every effect of every instance lands in one ledger, so a run reads the
 * duplicates (effects beyond one per key) from it.
 */
public interface OrderLedger extends AutoCloseable {
  /**
   * Creates one order of {@code key}, unless {@code fence} is positive and below the highest fence already used for
   * {@code key} (the storage side of a fencing token); answers its id, or -1 when fenced out.
   */
  CompletionStage<Long> create(String key, long fence);

  /**
   * Raises the highest fence of {@code key} to {@code fence} before any effect carries it: a lock holder announces
   * its token when it takes the lock, so a stale holder's effect is refused even when it arrives before the new
   * holder's own (fencing as the storage learns it only from writes refuses a stale write only after a newer one).
   */
  default CompletionStage<Void> announce(String key, long fence) {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /** What the ledger holds now. */
  Counts counts();

  /** Forgets every order. */
  void reset();

  @Override
  default void close() {}

  /**
   * @param effects orders created
   * @param keys distinct keys with at least one order
   * @param duplicates orders beyond the first of their key: {@code effects - keys}
   * @param fencedOut effects refused for an old fencing token
   */
  record Counts(long effects, long keys, long duplicates, long fencedOut) {}
}
