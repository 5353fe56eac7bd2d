package io.strategybench.idempotency.postgres;

import io.strategybench.idempotency.IdempotencySettings;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Setting;

/** The PostgreSQL stores' parameters: where the database is, as whom, and how many connections each instance holds. */
public class PostgresIdempotencySettings extends IdempotencySettings {
  /** HikariCP replaces a connection timeout below this with 30 s, so it is the floor. */
  public static final long MIN_TIMEOUT_MILLIS = 250;

  @Setting(description = "JDBC URL of the database (jdbc:postgresql://host:port/database); the tables are created"
      + " there when missing")
  public String url = "jdbc:postgresql://127.0.0.1:5432/postgres";

  @Setting(description = "user to connect as")
  public String user = "postgres";

  @Setting(description = "password of the user (empty for trust or peer authentication)")
  public String password = "";

  @Setting(description = "connections each instance holds (HikariCP maximumPoolSize), and the threads its JDBC"
      + " work runs on", min = 1, max = 1000)
  public int poolSize = 8;

  @Setting(description = "milliseconds to wait for a connection from the pool (HikariCP connectionTimeout; at least"
      + " 250) and for a lock a statement needs (lock_timeout)", min = MIN_TIMEOUT_MILLIS, max = 600_000)
  public long timeoutMillis = 2000;

  @Override
  public void validate() {
    super.validate();
    if (url == null || !url.trim().startsWith("jdbc:postgresql:")) {
      throw new InvalidParameterException("url", "parameter 'url' must be a PostgreSQL JDBC URL like"
          + " jdbc:postgresql://127.0.0.1:5432/postgres, got " + (url == null ? "none" : "'" + url + "'"));
    }
    if (user == null || user.isBlank()) {
      throw new InvalidParameterException("user", "parameter 'user' must name a PostgreSQL user");
    }
    if (password == null) {
      throw new InvalidParameterException("password", "parameter 'password' must not be null (empty for none)");
    }
    if (poolSize < 1 || poolSize > 1000) {
      throw new InvalidParameterException("pool-size", "parameter 'pool-size' must be in [1, 1000], got " + poolSize);
    }
    if (timeoutMillis < MIN_TIMEOUT_MILLIS || timeoutMillis > 600_000) {
      throw new InvalidParameterException("timeout-millis", "parameter 'timeout-millis' must be in ["
          + MIN_TIMEOUT_MILLIS + ", 600000] (HikariCP's connection timeout has a floor of 250 ms), got "
          + timeoutMillis);
    }
  }
}
