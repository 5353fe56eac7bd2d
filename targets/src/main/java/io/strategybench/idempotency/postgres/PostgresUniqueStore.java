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
import java.sql.Statement;

/**
 * The key, the order and the response in ONE transaction: the key row is inserted first ({@code INSERT ... ON
 * CONFLICT (key) DO NOTHING}), the work runs, the order is inserted and the response stored, and everything commits
 * together. Until it commits nobody else sees the key or the order; if the attempt dies before, the rollback takes
 * both away: no effect is left and the key is free, so a retry runs it exactly once.
 *
 * <p>Another attempt with the same key while the first runs: its insert hits the first one's uncommitted row in the
 * unique index and would wait until that transaction ends (then do nothing, and replay the committed response).
 * Waiting the whole processing time would hold one of its connections per waiting attempt, so the insert runs with
 * {@code SET LOCAL lock_timeout} of {@value #IN_FLIGHT_WAIT_MILLIS} ms: a wait that long means the first attempt is
 * still running, and the answer is {@link Outcome.InFlight} (409) at once. A first attempt that is just committing
 * is waited for and replayed. The in-flight row is invisible, so a different fingerprint is only told (422) once the
 * first commits; before, it is a 409 too.
 *
 * <p>Crash points: {@code HOLDING_LOCK} (the key row inserted) and {@code AFTER_EFFECT} (the order inserted too)
 * both roll back and drop the connection, as a killed instance's would be: nothing is left of the attempt.
 * A committed row older than {@code ttl-seconds} counts as absent: the next attempt takes it over.
 */
@Strategy(name = "postgres-unique", summary = "PostgreSQL: key, order and response in one transaction; a crash"
    + " leaves nothing behind", characteristics = {IdempotencyStore.SHARED, IdempotencyStore.REMOTE_STATE,
        IdempotencyStore.TRANSACTIONAL})
public final class PostgresUniqueStore extends PostgresStore {
  /** How long an insert waits for another attempt's uncommitted row before answering 409. */
  static final long IN_FLIGHT_WAIT_MILLIS = 50;

  /** How often an attempt looks again when the row it conflicted with vanished (expired, reset) meanwhile. */
  private static final int TRIES = 3;

  public PostgresUniqueStore() {
    this(new PostgresIdempotencySettings());
  }

  public PostgresUniqueStore(PostgresIdempotencySettings settings) {
    super(settings);
  }

  @Override
  protected Outcome run(Attempt attempt, Effect effect) throws SQLException, InterruptedException {
    Connection c = pool.getConnection();
    boolean abandoned = false;
    try {
      c.setAutoCommit(false);
      try {
        Outcome early = take(c, attempt);
        if (early != null) {
          c.rollback();
          return early;
        }
        // the key is this attempt's: its row is in this transaction, invisible to others until it commits
        if (attempt.crash() == Attempt.CrashPoint.HOLDING_LOCK) {
          abandon(c);
          abandoned = true;
          crashed.increment();
          return new Outcome.Crashed();
        }
        work(effect);
        long id = SqlLedger.insertOrder(c, attempt.key());
        if (attempt.crash() == Attempt.CrashPoint.AFTER_EFFECT) {
          abandon(c); // the order was never committed: it goes with the transaction
          abandoned = true;
          crashed.increment();
          return new Outcome.Crashed();
        }
        StoredResponse response = effect.created(id, attempt.key());
        try (PreparedStatement s = c.prepareStatement("UPDATE idempotency_keys SET recovery_point = 'finished',"
            + " order_id = ?, response_status = ?, response_body = ?, locked_at = NULL WHERE key = ?")) {
          s.setLong(1, id);
          s.setInt(2, response.status());
          s.setBytes(3, response.body());
          s.setString(4, attempt.key());
          s.executeUpdate();
        }
        c.commit();
        processed.increment();
        return new Outcome.Processed(response);
      } catch (SQLException | InterruptedException | RuntimeException e) {
        if (!abandoned) {
          rollbackQuietly(c);
        }
        throw e;
      }
    } finally {
      if (!abandoned) {
        c.close(); // back to the pool, which restores auto-commit
      }
    }
  }

  /**
   * Inserts the key row in the open transaction; answers null when this attempt owns the key, else what it came to
   * (the transaction to roll back).
   */
  private Outcome take(Connection c, Attempt attempt) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL lock_timeout = " + IN_FLIGHT_WAIT_MILLIS);
    }
    for (int i = 0; i < TRIES; i++) {
      try {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO idempotency_keys (key, fingerprint, created_at,"
            + " locked_at, recovery_point) VALUES (?, ?, now(), now(), 'started') ON CONFLICT (key) DO NOTHING")) {
          s.setString(1, attempt.key());
          s.setString(2, attempt.fingerprint());
          if (s.executeUpdate() == 1) {
            return null;
          }
        }
        // a committed row: read it (a new statement, so a new snapshot that sees it)
        try (PreparedStatement s = c.prepareStatement("SELECT fingerprint, response_status, response_body,"
            + " created_at < now() - " + MILLIS + " FROM idempotency_keys WHERE key = ?")) {
          s.setLong(1, ttlMillis());
          s.setString(2, attempt.key());
          try (ResultSet r = s.executeQuery()) {
            if (!r.next()) {
              continue; // deleted meanwhile: insert again
            }
            if (r.getBoolean(4)) {
              if (takeExpired(c, attempt)) {
                expired.increment();
                return null;
              }
              continue; // another attempt took it over first: look again
            }
            if (!r.getString(1).equals(attempt.fingerprint())) {
              mismatches.increment();
              return new Outcome.Mismatch();
            }
            int status = r.getInt(2);
            if (!r.wasNull()) {
              replayed.increment();
              return new Outcome.Replayed(response(status, r.getBytes(3)));
            }
            // committed without a response: another store's row in progress (recovery points), not ours to run
            inFlight.increment();
            return new Outcome.InFlight();
          }
        }
      } catch (SQLException e) {
        if (lockNotAvailable(e)) {
          inFlight.increment(); // another attempt's transaction holds the key
          return new Outcome.InFlight();
        }
        throw e;
      }
    }
    inFlight.increment();
    return new Outcome.InFlight();
  }

  /** Takes over a row past its TTL (locking it for this transaction); false when another did first. */
  private boolean takeExpired(Connection c, Attempt attempt) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE idempotency_keys SET fingerprint = ?, created_at = now(),"
        + " locked_at = now(), lock_version = lock_version + 1, recovery_point = 'started', order_id = NULL,"
        + " response_status = NULL, response_body = NULL WHERE key = ? AND created_at < now() - " + MILLIS)) {
      s.setString(1, attempt.fingerprint());
      s.setString(2, attempt.key());
      s.setLong(3, ttlMillis());
      return s.executeUpdate() == 1;
    }
  }
}
