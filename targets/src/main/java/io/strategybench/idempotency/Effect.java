package io.strategybench.idempotency;

import java.util.concurrent.CompletionStage;

/**
 * What a request does once: creates an order. Every effect is counted by an {@link OrderLedger}, so duplicates are
 * measured, never guessed.
 */
public interface Effect {
  /**
   * Creates the order after the processing time and answers the response to store; completes with {@code null}
   * when the ledger refused {@code fence} (an older lock holder's effect, fenced out). Does not block.
   *
   * @param fence the fencing token of the attempt's lock, 0 for none
   */
  CompletionStage<StoredResponse> apply(String key, long fence);

  /**
   * Tells where orders are created that {@code fence} is now the token of {@code key}'s lock, so an effect with an
   * older token is refused from now on, whenever it arrives. Does not block.
   */
  default CompletionStage<Void> announce(String key, long fence) {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /** How long the work takes before the order exists (a transactional store waits it inside its transaction). */
  long processingNanos();

  /** The response for order {@code id} of {@code key}, created in a store's own transaction. */
  StoredResponse created(long id, String key);
}
