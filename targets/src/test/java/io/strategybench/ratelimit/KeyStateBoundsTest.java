package io.strategybench.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.TestFamilies;
import io.strategybench.server.Json;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import io.strategybench.testing.TestTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The per-key state of the in-memory limiters is bounded: a cap with eviction of the least recently used keys,
 * and expiry of idle keys. Before, every key a client made up stayed for good (1.04 M keys took the heap from
 * 15.6 MB to 860 MB).
 */
class KeyStateBoundsTest {
  private static final StrategyRegistry REGISTRY = StrategyRegistry.load(TestFamilies.all(), List.of());
  private static final long MS = 1_000_000L;

  static {
    // JOL reads field offsets through Unsafe, which refuses records; its fallback handles them.
    if (System.getProperty("jol.magicFieldOffset") == null) {
      System.setProperty("jol.magicFieldOffset", "true");
    }
  }

  @Test
  void moreDistinctKeysThanTheCapNeverLeaveMoreThanTheCap() {
    // A property over 300 random cases: any cap, any number of keys beyond it, keys repeating at random.
    for (long seed = 1; seed <= 300; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      int cap = 1 + random.nextInt(64);
      int n = cap + 1 + random.nextInt(20 * cap);
      int universe = cap + 1 + random.nextInt(4 * n);
      PerKey<AtomicLong> perKey = new PerKey<>(cap, TimeUnit.HOURS.toNanos(1), s -> false);
      long now = 0;
      java.util.Set<String> created = new java.util.HashSet<>();
      AtomicInteger creations = new AtomicInteger();
      for (int i = 0; i < n; i++) {
        now += random.nextInt(5) * MS;
        String key = "k" + random.nextInt(universe);
        AtomicLong state = perKey.getOrCreate(key, now, t -> {
          creations.incrementAndGet();
          return new AtomicLong();
        });
        created.add(key);
        assertThat(perKey.size()).as("seed %d: keys after %d requests, cap %d", seed, i + 1, cap).isLessThanOrEqualTo(cap);
        assertThat(perKey.get(key)).as("seed %d: the key just asked for is kept", seed).isSameAs(state);
      }
      assertThat(creations.get() - perKey.evictions() - perKey.expirations()).as("seed %d", seed)
          .isEqualTo(perKey.size());
      if (created.size() > cap) {
        assertThat(perKey.evictions()).as("seed %d", seed).isPositive();
      }
    }
  }

  @Test
  void concurrentNewKeysNeverLeaveMoreThanTheCap() throws Exception {
    int cap = 500;
    PerKey<AtomicLong> perKey = new PerKey<>(cap, TimeUnit.HOURS.toNanos(1), s -> false);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger maxSeen = new AtomicInteger();
    // ConcurrentHashMap.size() sums striped counters and may overshoot while keys come and go, so the watcher
    // reads the places taken: a new key takes one before it enters the map and frees it after it left, so at
    // every instant the keys in the map are at most the places taken.
    Thread watcher = new Thread(() -> {
      while (running.get()) {
        maxSeen.accumulateAndGet(perKey.placesTaken(), Math::max);
      }
    });
    watcher.start();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      int id = t;
      writers.add(new Thread(() -> {
        for (int i = 0; i < 30_000; i++) {
          perKey.getOrCreate("t" + id + ":" + i, System.nanoTime(), AtomicLong::new);
        }
      }));
    }
    writers.forEach(Thread::start);
    for (Thread w : writers) {
      w.join(60_000);
    }
    running.set(false);
    watcher.join(10_000);
    assertThat(maxSeen.get()).isLessThanOrEqualTo(cap);
    assertThat(perKey.size()).isLessThanOrEqualTo(cap).isEqualTo(perKey.placesTaken());
    assertThat(perKey.evictions()).isGreaterThanOrEqualTo(90_000 - cap);
  }

  @Test
  void theLeastRecentlyUsedGoFirstAndAKeyInUseStays() {
    PerKey<AtomicLong> perKey = new PerKey<>(16, TimeUnit.HOURS.toNanos(1), s -> false);
    long now = 0;
    AtomicLong hot = perKey.getOrCreate("hot", now, AtomicLong::new);
    for (int i = 0; i < 1000; i++) {
      now += 2 * MS;
      perKey.getOrCreate("new" + i, now, AtomicLong::new);
      now += 2 * MS;
      assertThat(perKey.getOrCreate("hot", now, AtomicLong::new)).isSameAs(hot);
    }
    assertThat(perKey.evictions()).isEqualTo(1000 - 15);
  }

  @Test
  void idleKeysExpireButNotOnesWithRequestsInFlight() {
    long idle = TimeUnit.SECONDS.toNanos(1);
    PerKey<AtomicLong> perKey = new PerKey<>(1000, idle, count -> count.get() > 0);
    for (int i = 0; i < 10; i++) {
      perKey.getOrCreate("idle" + i, 0, AtomicLong::new);
    }
    perKey.getOrCreate("busy", 0, AtomicLong::new).set(1);
    perKey.getOrCreate("other", 500 * MS, AtomicLong::new); // the expiry pass is not due yet
    assertThat(perKey.size()).isEqualTo(12);
    perKey.getOrCreate("late", 1200 * MS, AtomicLong::new);
    assertThat(perKey.size()).isEqualTo(3); // busy, other (idle 0.7 s), late
    assertThat(perKey.expirations()).isEqualTo(10);
    assertThat(perKey.get("busy")).isNotNull();
  }

  @Test
  void theIdleExpiryIsNeverShorterThanTwoWindowsSoItChangesNoDecision() {
    LocalRateSettings settings = new LocalRateSettings();
    settings.windowMillis = 60_000;
    settings.keyIdleMillis = 1000;
    assertThat(settings.keyIdleNanos()).isEqualTo(TimeUnit.MINUTES.toNanos(2));
    // A fixed window of 2 per minute: a key idle for 2 s keeps its count, though the idle setting is 1 s.
    RateLimiter limiter = Limiters.create("fixed-window",
        Map.of("limit", "2", "window-millis", "60000", "key-idle-millis", "1000"));
    limiter.acquire("a", 0);
    limiter.acquire("a", 0);
    limiter.acquire("b", TimeUnit.SECONDS.toNanos(2)); // any request may run the expiry pass
    assertThat(limiter.acquire("a", TimeUnit.SECONDS.toNanos(2)).admitted()).isFalse();
  }

  @Test
  void throughTheServerAFloodOfMadeUpKeysIsCappedAndEvictionsAreCounted() throws Exception {
    RateLimitStage.Config config = new RateLimitStage.Config(
        List.of(RateLimitRule.parse("name=api,key=header:X-Api-Key,limit=5,window=1m", 1, 5, 60_000)),
        new KeySource.Header("X-Plan"), "free", RateLimitStage.Throttle.REJECT, 0, 100, "X-Client-Class");
    RateLimitStage stage = new RateLimitStage("token-bucket", config, RuleLimiters.factory(
        REGISTRY.strategy(RateLimiter.FAMILY, "token-bucket"), Map.of(), StrategyContext.system(), 10, 0));
    try (TestTarget target = TestTarget.start(List.of(stage, new RateLimitStageTest.Origin()), "ratelimit")) {
      for (int i = 0; i < 60; i++) {
        assertThat(target.get("/x", "X-Api-Key", "made-up-" + i).statusCode()).isEqualTo(200);
      }
      JsonNode stats = Json.MAPPER.readTree(target.get("/_/stats").body()).get("stages").get("ratelimit");
      assertThat(stats.get("limiterKeys").asLong()).isBetween(1L, 10L);
      assertThat(stats.get("evictedKeys").asLong()).isEqualTo(60 - stats.get("limiterKeys").asLong());
      JsonNode limiter = stats.get("rules").get(0).get("limiter");
      assertThat(limiter.get("maxKeys").asLong()).isEqualTo(10);
    }
  }

  @Test
  void everyInMemoryStrategyBoundsItsKeys() {
    for (String name : List.of("token-bucket", "gcra", "fixed-window", "sliding-window-counter", "sliding-log",
        "leaky-bucket", "leaky-bucket-queue", "concurrency", "aimd", "gradient")) {
      RateLimiter limiter = Limiters.create(name, Map.of("max-keys", "100"));
      for (int i = 0; i < 1000; i++) {
        limiter.acquire("k" + i, i * MS);
      }
      assertThat(((Number) limiter.stats().get("keys")).longValue()).as(name).isLessThanOrEqualTo(100);
      assertThat(((Number) limiter.stats().get("evictedKeys")).longValue()).as(name).isGreaterThanOrEqualTo(900);
    }
  }

  /**
   * The flood of the finding, 1.04 M distinct address keys, against a token bucket with the default cap; and the
   * memory of one key, measured with JOL on a smaller cap (JOL takes about 10 s to walk the 100,000-key graph on a
   * busy 2-core machine; run with -Dkeystate.fullCap=true to measure the default cap itself).
   */
  @Test
  void aMillionMadeUpKeysStayWithinTheCapAndItsMemory() {
    RateLimiter flooded = Limiters.create("token-bucket", Map.of("limit", "5", "window-millis", "60000"));
    int flood = 1_040_000;
    long started = System.nanoTime();
    for (int i = 0; i < flood; i++) {
      flooded.acquire(addressKey(i), i * 1000L);
    }
    long floodMillis = (System.nanoTime() - started) / 1_000_000;
    long keptAfterFlood = ((Number) flooded.stats().get("keys")).longValue();
    assertThat(keptAfterFlood).isLessThanOrEqualTo(PerKey.DEFAULT_MAX_KEYS);
    assertThat(((Number) flooded.stats().get("evictedKeys")).longValue()).isEqualTo(flood - keptAfterFlood);

    boolean fullCap = Boolean.getBoolean("keystate.fullCap");
    RateLimiter limiter = fullCap ? flooded : Limiters.create("token-bucket",
        Map.of("limit", "5", "window-millis", "60000", "max-keys", "10000"));
    if (!fullCap) {
      for (int i = 0; i < 100_000; i++) {
        limiter.acquire(addressKey(i), i * 1000L);
      }
    }
    long kept = ((Number) limiter.stats().get("keys")).longValue();
    long bytes = GraphLayout.parseInstance(limiter).totalSize();
    // The same keys in the structure the limiter used before (one map entry per key, nothing else).
    ConcurrentHashMap<String, AtomicLong> unbounded = new ConcurrentHashMap<>();
    for (int i = 0; i < kept; i++) {
      unbounded.put(addressKey(i), new AtomicLong(i));
    }
    long unboundedBytes = GraphLayout.parseInstance(unbounded).totalSize();
    double perKey = bytes / (double) kept;
    System.out.printf("flood of %d keys: %d ms, %d kept; JOL: %d keys take %d bytes (%.1f per key, so %.1f MB at"
        + " the cap of %d); the unbounded map: %.1f per key%n", flood, floodMillis, keptAfterFlood, kept, bytes,
        perKey, perKey * PerKey.DEFAULT_MAX_KEYS / 1e6, PerKey.DEFAULT_MAX_KEYS, unboundedBytes / (double) kept);
    assertThat(perKey).isLessThan(200);
  }

  private static String addressKey(int i) {
    return "api:addr:" + (10 + (i >>> 24)) + "." + ((i >>> 16) & 255) + "." + ((i >>> 8) & 255) + "." + (i & 255);
  }
}
