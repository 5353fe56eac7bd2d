package io.strategybench.cache;


/**
 * The cache stage of a {@code cache} target: its capacity, the write strategy, expiry and the protections. The
 * origin behind it takes the {@code --origin-*} options. Declared in {@code CacheOptions.options.yaml}.
 */
record CacheOptions(long capacity, int keys, int valueBytes, String writeStrategy, long ttlNanos, double ttlJitter,
    long staleWhileRevalidateNanos, boolean singleFlight, double xfetchBeta, boolean lockStale, long negativeTtlNanos,
    boolean bloom, int preload, long flushIntervalNanos, int flushBatch, long watchKey) {
  /** The options given that only the cache with its own origin (last in a pipeline) takes. */
  java.util.List<String> originOnly() {
    java.util.List<String> given = new java.util.ArrayList<>();
    if (!writeStrategy.equals(WriteStrategy.CACHE_ASIDE.cliName())) {
      given.add("--write-strategy");
    }
    if (staleWhileRevalidateNanos > 0) {
      given.add("--stale-while-revalidate");
    }
    if (singleFlight) {
      given.add("--single-flight");
    }
    if (xfetchBeta > 0) {
      given.add("--xfetch-beta");
    }
    if (lockStale) {
      given.add("--lock-stale");
    }
    if (negativeTtlNanos > 0) {
      given.add("--negative-ttl");
    }
    if (bloom) {
      given.add("--bloom");
    }
    if (preload > 0) {
      given.add("--preload");
    }
    return given;
  }

  CacheStage.Config build() {
    if (capacity < 1) {
      throw new IllegalArgumentException("--capacity must be at least 1 entry, got " + capacity);
    }
    if (keys < 1) {
      throw new IllegalArgumentException("--keys must be at least 1, got " + keys);
    }
    if (preload > keys) {
      throw new IllegalArgumentException("--preload " + preload + " is more than the origin's --keys " + keys
          + "; preload at most every key");
    }
    return new CacheStage.Config(valueBytes, WriteStrategy.named(writeStrategy), ttlNanos, ttlJitter,
        staleWhileRevalidateNanos, singleFlight, xfetchBeta, lockStale, negativeTtlNanos, bloom, preload,
        flushIntervalNanos, flushBatch, watchKey);
  }
}
