package io.strategybench.idempotency;

import io.strategybench.strategy.Family;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Keeps one effect per idempotency key: the store behind an API's {@code Idempotency-Key} header (Stripe's design;
 * the IETF draft "The Idempotency-Key HTTP Header Field"). The first attempt with a key runs the effect once and
 * stores its response; a later attempt with the same key and request fingerprint gets that response byte for byte
 * (a stored 5xx too); the same key with another fingerprint is a {@link Outcome.Mismatch} (422); a key whose first
 * attempt is still running is {@link Outcome.InFlight} (409). Stored results expire after the settings' TTL.
 *
 * <p>What a store promises is in its {@link io.strategybench.strategy.Strategy#characteristics() characteristics}:
 * the harness decides by them (which checks apply, what the simulation models, what a run must start), never by a
 * store's name.
 *
 * <p>Threading: {@link #execute} is called from many threads at once, for the same key and for others, and must
 * not block its caller: a store that waits on a server completes the stage later.
 */
public interface IdempotencyStore extends AutoCloseable {
  /** The idempotency family. */
  Family<IdempotencyStore> FAMILY = new Family<>("idempotency", IdempotencyStore.class, "Idempotency keys",
      "which store keeps exactly one effect per key, across instances, through retries and crashes");

  /** Characteristic: keeps no key at all; every attempt runs the effect (the control: duplicates happen). */
  String CONTROL = "control";

  /** Characteristic: keys live in one instance's memory: one effect per key on that instance only. */
  String PER_INSTANCE = "per-instance";

  /** Characteristic: instances that share the store's server keep one effect per key between them. */
  String SHARED = "shared";

  /** Characteristic: needs a server (Redis, PostgreSQL) that a run must start; a {@code url} parameter names it. */
  String REMOTE_STATE = "remote-state";

  /**
   * Characteristic: the in-flight lock expires {@code lock-ttl-millis} after it was taken, so a crash holding it
   * leaves the key stuck no longer than that, and an attempt slower than it may run beside a second one.
   */
  String LOCK_TTL = "lock-ttl";

  /**
   * Characteristic: the effect carries the lock's fencing token; an attempt whose lock expired and was taken again
   * cannot apply its effect or store over the newer one (Kleppmann, "How to do distributed locking").
   */
  String FENCED = "fenced";

  /**
   * Characteristic: the effect commits in the same transaction as the key, so an attempt that dies before storing
   * its response leaves no effect behind and the key free.
   */
  String TRANSACTIONAL = "transactional";

  /**
   * Characteristic: an attempt records recovery points as it goes; one that died is resumed from its last point
   * (its effect not run again), and a reaper frees keys abandoned before their first point (brandur,
   * "Implementing Stripe-like Idempotency Keys in Postgres").
   */
  String RECOVERY_POINTS = "recovery-points";

  /** Runs one attempt: begins its key, runs {@code effect} if this attempt owns it, stores and answers. */
  CompletionStage<Outcome> execute(Attempt attempt, Effect effect);

  /**
   * The ledger of a store whose effect commits in its own transaction ({@link #TRANSACTIONAL}): the orders live
   * beside the keys, and the stage counts effects there. Null for the others, whose effects go to the ledger the
   * stage is given.
   */
  default OrderLedger ownLedger() {
    return null;
  }

  /** The store's counters for {@code /_/stats}: what it found and did beyond the outcomes the stage counts. */
  default Map<String, Object> stats() {
    return Map.of();
  }

  /** Forgets every key (between runs). */
  default void reset() {}

  @Override
  default void close() {}
}
