package io.strategybench.idempotency;

/** Opens the ledger a target names: {@code memory}, or a Redis URI that several processes share. */
public final class Ledgers {
  private Ledgers() {}

  /**
   * The ledger {@code spec} names.
   *
   * @param option how the caller names the setting, for the error
   * @throws IllegalArgumentException naming {@code option} and the forms it takes
   */
  public static OrderLedger open(String spec, String option) {
    if (spec == null || spec.equals("memory")) {
      return new MemoryLedger();
    }
    if (spec.startsWith("redis://") || spec.startsWith("rediss://")) {
      return new io.strategybench.idempotency.redis.RedisLedger(spec, 1000,
          io.strategybench.idempotency.redis.RedisLedger.DEFAULT_PREFIX);
    }
    throw new IllegalArgumentException(option + " must be memory or a Redis URI (redis://127.0.0.1:6379), got '"
        + spec + "'");
  }
}
