package io.strategybench.idempotency;

import io.strategybench.strategy.Strategy;
import java.util.concurrent.CompletionStage;

/** Keeps nothing: every attempt runs the effect. The control that shows what the other stores prevent. */
@Strategy(name = "none", summary = "no store: every retry runs the effect again (the control)",
    characteristics = IdempotencyStore.CONTROL)
public final class NoStore implements IdempotencyStore {
  public NoStore() {}

  public NoStore(IdempotencySettings settings) {}

  @Override
  public CompletionStage<Outcome> execute(Attempt attempt, Effect effect) {
    if (attempt.crash() == Attempt.CrashPoint.HOLDING_LOCK) {
      return java.util.concurrent.CompletableFuture.completedFuture(new Outcome.Crashed());
    }
    return effect.apply(attempt.key(), 0).thenApply(response -> attempt.crash() == Attempt.CrashPoint.AFTER_EFFECT
        ? new Outcome.Crashed() : new Outcome.Processed(response));
  }
}
