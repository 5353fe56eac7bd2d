package io.strategybench.cache;

import io.strategybench.cli.NanosConverter;
import io.strategybench.cli.TtlConverter;
import picocli.CommandLine.Option;

/**
 * The cache stage of a {@code cache} target: its capacity, the write strategy, expiry and the protections. The
 * origin behind it takes the {@code --origin-*} options.
 */
final class CacheOptions {
  @Option(names = "--capacity", paramLabel = "N", defaultValue = "1000",
      description = "(cache) Entries the cache holds.")
  long capacity;

  @Option(names = "--keys", paramLabel = "N", defaultValue = "10000",
      description = "(cache) Keys the origin holds: 0..N-1; reads of others get 404.")
  int keys;

  @Option(names = "--value-bytes", paramLabel = "BYTES", defaultValue = "1024",
      description = "(cache) Body size of each value.")
  int valueBytes;

  @Option(names = "--write-strategy", paramLabel = "NAME", defaultValue = "cache-aside",
      description = "(cache) cache-aside, read-through, write-through, write-behind or write-around.")
  String writeStrategy;

  @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "0", converter = TtlConverter.class,
      description = "(cache) Time to live after each fill; 0: entries do not expire.")
  long ttlNanos;

  @Option(names = "--ttl-jitter", paramLabel = "SHARE", defaultValue = "0",
      description = "(cache) Each TTL is drawn from TTL x (1 +- SHARE), 0 to 1: keys filled together expire"
          + " apart (the avalanche protection).")
  double ttlJitter;

  @Option(names = "--stale-while-revalidate", paramLabel = "DURATION", defaultValue = "0",
      converter = TtlConverter.class,
      description = "(cache) Serve an expired entry this long after its TTL while one background read"
          + " refreshes it; 0: off.")
  long staleWhileRevalidateNanos;

  @Option(names = "--single-flight", description = "(cache) Concurrent misses of one key wait for one"
      + " origin read (request coalescing).")
  boolean singleFlight;

  @Option(names = "--xfetch-beta", paramLabel = "BETA", defaultValue = "0",
      description = "(cache) Probabilistic early expiration (XFetch, Vattani et al. 2015) with this beta"
          + " (1 is the paper's); 0: off.")
  double xfetchBeta;

  @Option(names = "--lock-stale", description = "(cache) On expiry one request refreshes the key (holds its"
      + " lock); the others get the expired copy meanwhile.")
  boolean lockStale;

  @Option(names = "--negative-ttl", paramLabel = "DURATION", defaultValue = "0", converter = TtlConverter.class,
      description = "(cache) Cache a 404 for this long (negative caching); 0: 404s are not cached.")
  long negativeTtlNanos;

  @Option(names = "--bloom", description = "(cache) Keep a Bloom filter of the keys the origin has and answer"
      + " 404 for others without asking it.")
  boolean bloom;

  @Option(names = "--preload", paramLabel = "N", defaultValue = "0",
      description = "(cache) Load keys 0..N-1 (the hottest under Zipf) before reporting ready.")
  int preload;

  @Option(names = "--flush-interval", paramLabel = "DURATION", defaultValue = "1s", converter = NanosConverter.class,
      description = "(cache, write-behind) How often queued writes go to the origin.")
  long flushIntervalNanos;

  @Option(names = "--flush-batch", paramLabel = "N", defaultValue = "100",
      description = "(cache, write-behind) Most keys written in one origin request.")
  int flushBatch;

  @Option(names = "--watch-key", paramLabel = "KEY", defaultValue = "0",
      description = "(cache) A key whose requests and origin reads are counted apart (a stampede's hot key).")
  long watchKey;

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
