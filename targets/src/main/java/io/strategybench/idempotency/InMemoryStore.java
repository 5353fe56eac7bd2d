package io.strategybench.idempotency;

import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategyContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keys in this instance's memory: exactly one effect per key while every attempt reaches this instance, and none of
 * that across instances (a control). A lock older than {@code lock-ttl-millis} may be taken again, so a crash
 * holding it leaves the key stuck no longer than that.
 */
@Strategy(name = "in-memory", summary = "a map in each instance: right on one instance, wrong behind a load balancer",
    characteristics = {IdempotencyStore.PER_INSTANCE, IdempotencyStore.LOCK_TTL})
public final class InMemoryStore implements IdempotencyStore {
  private record Entry(String fingerprint, long lockedAtNanos, StoredResponse response, long storedAtNanos) {}

  private final IdempotencySettings settings;
  private final StrategyContext context;
  private final ConcurrentHashMap<String, Entry> keys = new ConcurrentHashMap<>();
  private final AtomicLong expiredLocks = new AtomicLong();

  public InMemoryStore() {
    this(new IdempotencySettings(), StrategyContext.system());
  }

  public InMemoryStore(IdempotencySettings settings, StrategyContext context) {
    this.settings = settings;
    this.context = context;
  }

  @Override
  public CompletionStage<Outcome> execute(Attempt attempt, Effect effect) {
    long now = context.clock().nanoTime();
    Outcome[] early = new Outcome[1];
    keys.compute(attempt.key(), (k, e) -> {
      if (e != null && e.response() != null && now - e.storedAtNanos() >= settings.ttlSeconds * 1_000_000_000L) {
        e = null; // expired: the key is new again
      }
      if (e == null) {
        return new Entry(attempt.fingerprint(), now, null, 0);
      }
      if (!e.fingerprint().equals(attempt.fingerprint())) {
        early[0] = new Outcome.Mismatch();
      } else if (e.response() != null) {
        early[0] = new Outcome.Replayed(e.response());
      } else if (now - e.lockedAtNanos() < settings.lockTtlMillis * 1_000_000L) {
        early[0] = new Outcome.InFlight();
      } else {
        expiredLocks.incrementAndGet();
        return new Entry(attempt.fingerprint(), now, null, 0); // the lock expired: this attempt takes it
      }
      return e;
    });
    if (early[0] != null) {
      return CompletableFuture.completedFuture(early[0]);
    }
    if (attempt.crash() == Attempt.CrashPoint.HOLDING_LOCK) {
      return CompletableFuture.completedFuture(new Outcome.Crashed());
    }
    return effect.apply(attempt.key(), 0).thenApply(response -> {
      if (attempt.crash() == Attempt.CrashPoint.AFTER_EFFECT) {
        return new Outcome.Crashed();
      }
      keys.put(attempt.key(), new Entry(attempt.fingerprint(), 0, response, context.clock().nanoTime()));
      return new Outcome.Processed(response);
    });
  }

  @Override
  public Map<String, Object> stats() {
    return Map.of("keys", keys.size(), "expiredLocks", expiredLocks.get());
  }

  @Override
  public void reset() {
    keys.clear();
    expiredLocks.set(0);
  }
}
