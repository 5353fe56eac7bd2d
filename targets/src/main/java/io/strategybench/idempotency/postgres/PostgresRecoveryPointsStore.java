package io.strategybench.idempotency.postgres;

import io.strategybench.idempotency.Attempt;
import io.strategybench.idempotency.Effect;
import io.strategybench.idempotency.IdempotencyStore;
import io.strategybench.idempotency.Outcome;
import io.strategybench.idempotency.StoredResponse;
import io.strategybench.strategy.Strategy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Recovery points, after brandur's "Implementing Stripe-like Idempotency Keys in Postgres": the key row carries a
 * lock ({@code locked_at}, with {@code lock_version} counting who took it), the request fingerprint, the
 * {@code recovery_point} an attempt reached ({@code started}, {@code order_created}, {@code finished}) and the
 * response. An attempt runs in three transactions, each of which moves the key to its next point:
 *
 * <ol>
 *   <li>take the key: insert it (locked now), or lock its row ({@code SELECT ... FOR UPDATE}, under READ COMMITTED
 *       rather than brandur's SERIALIZABLE: the row lock orders the attempts the same way without serialization
 *       failures to retry) and decide: another fingerprint is a {@link Outcome.Mismatch} (422), {@code finished} is
 *       replayed, a lock younger than {@code lock-ttl-millis} is {@link Outcome.InFlight} (409), an older one (its
 *       holder died or is too slow) is taken over: the attempt goes on from the point the row reached;</li>
 *   <li>from {@code started}: the work and the order, and {@code recovery_point = 'order_created'} with the order id,
 *       committed together, and only while this attempt still holds the lock (its {@code lock_version}): one that was
 *       taken over meanwhile rolls its order back and is {@link Outcome.Fenced};</li>
 *   <li>the response built from the order id, {@code finished}, the lock cleared.</li>
 * </ol>
 *
 * <p>Crash points: {@code HOLDING_LOCK} (after phase 1) leaves the key locked at {@code started}: 409 until the lock
 * TTL passes, then a retry takes it over and runs the effect once (or {@link #reap()} deletes it first).
 * {@code AFTER_EFFECT} (after phase 2 committed) leaves it at {@code order_created}: a retry after the lock TTL
 * resumes there and builds the response from the stored order id without a second order: one effect, the same
 * order id. Rows older than {@code ttl-seconds} count as absent.
 *
 * <p>It is {@link IdempotencyStore#FENCED}: each phase writes only while its attempt still holds the lock it took,
 * so an attempt slower than the lock TTL, whose key another took over, rolls its order back (measured: one order).
 */
@Strategy(name = "postgres-recovery-points", summary = "PostgreSQL: recovery points (brandur/Stripe); a crashed"
    + " attempt is resumed after the lock TTL without running its effect again", characteristics = {
        IdempotencyStore.SHARED, IdempotencyStore.REMOTE_STATE, IdempotencyStore.RECOVERY_POINTS,
        IdempotencyStore.LOCK_TTL, IdempotencyStore.FENCED})
public final class PostgresRecoveryPointsStore extends PostgresStore {
  static final String STARTED = "started";
  static final String ORDER_CREATED = "order_created";
  static final String FINISHED = "finished";

  private static final int TRIES = 3;

  private final LongAdder takeovers = new LongAdder();
  private final LongAdder resumed = new LongAdder();
  private final LongAdder reaped = new LongAdder();
  private final LongAdder fenced = new LongAdder();

  /** The key is this attempt's, at {@code point}, with lock {@code version}; {@code orderId} from order_created on. */
  private record Claim(long version, String point, long orderId) {}

  public PostgresRecoveryPointsStore() {
    this(new PostgresIdempotencySettings());
  }

  public PostgresRecoveryPointsStore(PostgresIdempotencySettings settings) {
    super(settings);
  }

  @Override
  protected Outcome run(Attempt attempt, Effect effect) throws SQLException, InterruptedException {
    Object taken = phase1(attempt);
    if (taken instanceof Outcome early) {
      return early;
    }
    Claim claim = (Claim) taken;
    if (attempt.crash() == Attempt.CrashPoint.HOLDING_LOCK) {
      crashed.increment(); // phase 1 committed: the key stays locked at 'started'
      return new Outcome.Crashed();
    }
    long orderId = claim.orderId();
    if (STARTED.equals(claim.point())) {
      orderId = phase2(attempt, effect, claim);
      if (orderId < 0) {
        fenced.increment();
        return new Outcome.Fenced();
      }
    }
    if (attempt.crash() == Attempt.CrashPoint.AFTER_EFFECT) {
      crashed.increment(); // phase 2 committed: the key stays locked at 'order_created'
      return new Outcome.Crashed();
    }
    StoredResponse response = effect.created(orderId, attempt.key());
    phase3(attempt, claim, response);
    processed.increment();
    return new Outcome.Processed(response);
  }

  /** Takes the key: a {@link Claim}, or the {@link Outcome} of an attempt that does not get it. */
  private Object phase1(Attempt attempt) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (int i = 0; i < TRIES; i++) {
          try (PreparedStatement s = c.prepareStatement("INSERT INTO idempotency_keys (key, fingerprint, created_at,"
              + " locked_at, lock_version, recovery_point) VALUES (?, ?, now(), now(), 1, 'started')"
              + " ON CONFLICT (key) DO NOTHING")) {
            s.setString(1, attempt.key());
            s.setString(2, attempt.fingerprint());
            if (s.executeUpdate() == 1) {
              c.commit();
              return new Claim(1, STARTED, 0);
            }
          }
          try (PreparedStatement s = c.prepareStatement("SELECT fingerprint, recovery_point, order_id,"
              + " response_status, response_body, created_at < now() - " + MILLIS + ","
              + " locked_at IS NOT NULL AND locked_at > now() - " + MILLIS
              + " FROM idempotency_keys WHERE key = ? FOR UPDATE")) {
            s.setLong(1, ttlMillis());
            s.setLong(2, settings.lockTtlMillis);
            s.setString(3, attempt.key());
            try (ResultSet r = s.executeQuery()) {
              if (!r.next()) {
                c.rollback();
                continue; // reaped or reset meanwhile: insert again
              }
              if (r.getBoolean(6)) {
                long version = update(c, attempt.key(), "fingerprint = ?, created_at = now(), recovery_point ="
                    + " 'started', order_id = NULL, response_status = NULL, response_body = NULL,",
                    attempt.fingerprint());
                c.commit();
                expired.increment();
                return new Claim(version, STARTED, 0);
              }
              Outcome early = null;
              String point = r.getString(2);
              if (!r.getString(1).equals(attempt.fingerprint())) {
                mismatches.increment();
                early = new Outcome.Mismatch();
              } else if (FINISHED.equals(point)) {
                replayed.increment();
                early = new Outcome.Replayed(response(r.getInt(4), r.getBytes(5)));
              } else if (r.getBoolean(7)) {
                inFlight.increment();
                early = new Outcome.InFlight();
              }
              if (early != null) {
                c.rollback();
                return early;
              }
              // the lock is older than lock-ttl-millis: its holder died (or is slow): take it over, go on from point
              long orderId = r.getLong(3);
              long version = update(c, attempt.key(), "", null);
              c.commit();
              takeovers.increment();
              if (ORDER_CREATED.equals(point)) {
                resumed.increment();
              }
              return new Claim(version, point, orderId);
            }
          }
        }
        c.rollback();
        inFlight.increment();
        return new Outcome.InFlight();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        if (e instanceof SQLException se && lockNotAvailable(se)) {
          inFlight.increment(); // the row stayed locked past timeout-millis
          return new Outcome.InFlight();
        }
        throw e;
      }
    }
  }

  /** Locks the key for this attempt (locked_at now, the next lock_version); {@code set} changes more columns. */
  private static long update(Connection c, String key, String set, String fingerprint) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE idempotency_keys SET " + set + " locked_at = now(),"
        + " lock_version = lock_version + 1 WHERE key = ? RETURNING lock_version")) {
      int i = 1;
      if (fingerprint != null) {
        s.setString(i++, fingerprint);
      }
      s.setString(i, key);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** The work and the order, and the recovery point, in one transaction; the order id, or -1 when fenced out. */
  private long phase2(Attempt attempt, Effect effect, Claim claim) throws SQLException, InterruptedException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        work(effect);
        long id = SqlLedger.insertOrder(c, attempt.key());
        try (PreparedStatement s = c.prepareStatement("UPDATE idempotency_keys SET recovery_point = 'order_created',"
            + " order_id = ? WHERE key = ? AND lock_version = ? AND recovery_point = 'started'")) {
          s.setLong(1, id);
          s.setString(2, attempt.key());
          s.setLong(3, claim.version());
          if (s.executeUpdate() != 1) {
            c.rollback(); // another attempt took the key over (or the reaper freed it): no order from this one
            return -1;
          }
        }
        c.commit();
        return id;
      } catch (SQLException | InterruptedException | RuntimeException e) {
        rollbackQuietly(c);
        release(attempt.key(), claim.version());
        throw e;
      }
    }
  }

  /** Stores the response and clears the lock. */
  private void phase3(Attempt attempt, Claim claim, StoredResponse response) throws SQLException {
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE idempotency_keys SET"
        + " recovery_point = 'finished', response_status = ?, response_body = ?, locked_at = NULL"
        + " WHERE key = ? AND lock_version = ?")) {
      s.setInt(1, response.status());
      s.setBytes(2, response.body());
      s.setString(3, attempt.key());
      s.setLong(4, claim.version());
      // 0 rows: another attempt took over after this one's order committed; it resumes from order_created with the
      // same order id and stores the same response, so this answer stands
      s.executeUpdate();
    }
  }

  /** After an error in phase 2: clears the lock (still at 'started') so a retry need not wait for the lock TTL. */
  private void release(String key, long version) {
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
        "UPDATE idempotency_keys SET locked_at = NULL WHERE key = ? AND lock_version = ?")) {
      s.setString(1, key);
      s.setLong(2, version);
      s.executeUpdate();
    } catch (SQLException ignored) {
      // the lock TTL frees it
    }
  }

  /**
   * The reaper: deletes the keys locked longer than {@code lock-ttl-millis} ago that never reached a recovery point
   * (still {@code started}: their holder died before any effect), so their next attempt starts afresh. Keys at
   * {@code order_created} stay, to be resumed. Runs on the caller's thread.
   *
   * @return how many keys it freed
   */
  public long reap() {
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement("DELETE FROM idempotency_keys"
        + " WHERE recovery_point = 'started' AND locked_at IS NOT NULL AND locked_at < now() - " + MILLIS)) {
      s.setLong(1, settings.lockTtlMillis);
      long n = s.executeUpdate();
      reaped.add(n);
      return n;
    } catch (SQLException e) {
      throw new IllegalStateException("the reaper cannot delete abandoned keys: " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> s = super.stats();
    s.put("lockTakeovers", takeovers.sum());
    s.put("resumed", resumed.sum());
    s.put("reaped", reaped.sum());
    s.put("fenced", fenced.sum());
    return s;
  }

  @Override
  public void reset() {
    super.reset();
    for (LongAdder a : new LongAdder[] {takeovers, resumed, reaped, fenced}) {
      a.reset();
    }
  }
}
