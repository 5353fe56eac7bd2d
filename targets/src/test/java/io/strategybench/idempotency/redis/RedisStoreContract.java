package io.strategybench.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.idempotency.Attempt;
import io.strategybench.idempotency.Effect;
import io.strategybench.idempotency.IdempotencySettings;
import io.strategybench.idempotency.IdempotencyStore;
import io.strategybench.idempotency.LedgerEffect;
import io.strategybench.idempotency.OrderLedger;
import io.strategybench.idempotency.Outcome;
import io.strategybench.idempotency.StoreContract;
import io.strategybench.idempotency.StoredResponse;
import io.strategybench.ratelimit.redis.RedisServerProcess;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract for a Redis store, against a real redis-server this class starts: three store instances, each with a
 * connection of its own, play three target instances; a {@link RedisLedger} on the same Redis counts the effects.
 * Adds what a lock with a TTL does with crashes, and what a user sees when Redis is missing or a parameter is wrong.
 */
abstract class RedisStoreContract extends StoreContract {
  static final StrategyRegistry REGISTRY = StrategyRegistry.load(List.of(IdempotencyStore.FAMILY), List.of());
  static final long NANOS_PER_MILLI = 1_000_000L;

  static RedisServerProcess redis;
  static RedisLedger ledger;
  static final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

  /** The strategy under test. */
  abstract String strategy();

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.launch();
    ledger = new RedisLedger(redis.uri(), 2000, "test:orders:");
  }

  @AfterAll
  static void stopRedis() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    opened.clear();
    ledger.close();
    redis.close();
  }

  /** A store built as the CLI builds it: through the registry, with kebab-case parameters. */
  IdempotencyStore create(Map<String, String> params) {
    Map<String, String> all = new HashMap<>(params);
    all.putIfAbsent("url", redis.uri());
    // tests that are not about timeouts must not fail because a cold or busy JVM was slow
    all.putIfAbsent("timeout-millis", "2000");
    all.putIfAbsent("key-prefix", "test:idem:");
    IdempotencyStore store = REGISTRY.strategy(IdempotencyStore.FAMILY, strategy()).create(all,
        StrategyContext.system());
    opened.add(store);
    return store;
  }

  @Override
  protected IdempotencyStore newInstance(IdempotencySettings settings) {
    return create(Map.of("ttl-seconds", Long.toString(settings.ttlSeconds),
        "lock-ttl-millis", Long.toString(settings.lockTtlMillis)));
  }

  @Override
  protected OrderLedger ledger(IdempotencyStore anyInstance) {
    return ledger;
  }

  @Override
  protected long effects(String key) {
    return ledger.effects(key);
  }

  static Outcome await(CompletionStage<Outcome> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String uniqueKey(String name) {
    return name + "-" + System.nanoTime();
  }

  @Test
  void aStored5xxWithAnyBytesIsReplayedByteForByteOnEveryInstance() throws Exception {
    List<IdempotencyStore> stores = threeInstances(settings(10_000));
    byte[] body = {'{', 0, (byte) 0xff, (byte) 0xfe, '\r', '\n', (byte) 0x80, '}'};
    StoredResponse failure = new StoredResponse(503, body);
    int[] runs = {0};
    Effect effect = new Effect() {
      @Override
      public CompletionStage<StoredResponse> apply(String key, long fence) {
        runs[0]++;
        return CompletableFuture.completedFuture(failure);
      }

      @Override
      public long processingNanos() {
        return 0;
      }

      @Override
      public StoredResponse created(long id, String key) {
        throw new UnsupportedOperationException();
      }
    };
    String key = uniqueKey("bytes");
    assertThat(await(stores.get(0).execute(new Attempt(key, "fp"), effect)))
        .isEqualTo(new Outcome.Processed(failure));
    for (IdempotencyStore s : stores) {
      Outcome again = await(s.execute(new Attempt(key, "fp"), effect));
      assertThat(again).isInstanceOf(Outcome.Replayed.class);
      StoredResponse replayed = ((Outcome.Replayed) again).response();
      assertThat(replayed.status()).isEqualTo(503);
      assertThat(replayed.body()).containsExactly(body);
    }
    assertThat(runs[0]).isEqualTo(1);
  }

  @Test
  void aCrashHoldingTheLockLeavesTheKey409UntilTheLockTtlThenItRunsOnce() throws Exception {
    List<IdempotencyStore> stores = threeInstances(settings(1500));
    LedgerEffect effect = new LedgerEffect(ledger, 0);
    String key = uniqueKey("stuck");
    long start = System.nanoTime();
    assertThat(await(stores.get(0).execute(new Attempt(key, "fp", Attempt.CrashPoint.HOLDING_LOCK), effect)))
        .isInstanceOf(Outcome.Crashed.class);
    assertThat(await(stores.get(1).execute(new Attempt(key, "fp"), effect))).isInstanceOf(Outcome.InFlight.class);
    assertThat(System.nanoTime() - start).as("precondition: the 409 was seen within the lock's TTL")
        .isLessThan(1500 * NANOS_PER_MILLI);
    assertThat(effects(key)).isZero();
    Thread.sleep(1700);
    assertThat(await(stores.get(2).execute(new Attempt(key, "fp"), effect))).isInstanceOf(Outcome.Processed.class);
    assertThat(await(stores.get(1).execute(new Attempt(key, "fp"), effect))).isInstanceOf(Outcome.Replayed.class);
    assertThat(effects(key)).isEqualTo(1);
  }

  /** Setnx and fenced alike: the effect ran, nothing was stored, the lock expires and a retry runs it again. */
  @Test
  void aCrashAfterTheEffectRunsItAgainOnceTheLockExpiresAtLeastOnce() throws Exception {
    List<IdempotencyStore> stores = threeInstances(settings(1500));
    LedgerEffect effect = new LedgerEffect(ledger, 0);
    String key = uniqueKey("twice");
    long start = System.nanoTime();
    assertThat(await(stores.get(0).execute(new Attempt(key, "fp", Attempt.CrashPoint.AFTER_EFFECT), effect)))
        .isInstanceOf(Outcome.Crashed.class);
    assertThat(effects(key)).as("the effect ran before the crash").isEqualTo(1);
    assertThat(await(stores.get(1).execute(new Attempt(key, "fp"), effect)))
        .as("nothing stored, the lock still held").isInstanceOf(Outcome.InFlight.class);
    assertThat(System.nanoTime() - start).as("precondition: the 409 was seen within the lock's TTL")
        .isLessThan(1500 * NANOS_PER_MILLI);
    Thread.sleep(1700);
    Outcome retry = await(stores.get(2).execute(new Attempt(key, "fp"), effect));
    assertThat(retry).isInstanceOf(Outcome.Processed.class);
    assertThat(effects(key)).as("at least once: the effect ran before the crash and again").isEqualTo(2);
    assertThat(await(stores.get(0).execute(new Attempt(key, "fp"), effect)))
        .isEqualTo(new Outcome.Replayed(((Outcome.Processed) retry).response()));
    assertThat(effects(key)).isEqualTo(2);
  }

  /** What the positive control saw. */
  record Race(Outcome first, Outcome second, long effects, StoredResponse replayed, long fencedOut) {}

  /**
   * Lock TTL 100 ms; the first attempt's effect takes {@code firstMillis}; a second attempt for the same key starts
   * 200 ms after the first on another instance, with an effect taking {@code secondMillis}; then a third instance
   * replays what is stored. The margins: the first lock is gone 100 ms before the second starts, and the two effects
   * reach the ledger at least 200 ms apart.
   */
  Race race(long firstMillis, long secondMillis) throws Exception {
    List<IdempotencyStore> stores = threeInstances(settings(100));
    LedgerEffect quick = new LedgerEffect(ledger, 0);
    for (IdempotencyStore s : stores) { // connections and scripts warm: the first begin answers in a few ms
      assertThat(await(s.execute(new Attempt(uniqueKey("warm"), "fp"), quick))).isInstanceOf(Outcome.Processed.class);
    }
    String key = uniqueKey("race");
    long fencedBefore = ledger.counts().fencedOut();
    long start = System.nanoTime();
    CompletableFuture<Outcome> first = stores.get(0)
        .execute(new Attempt(key, "fp"), new LedgerEffect(ledger, firstMillis * NANOS_PER_MILLI))
        .toCompletableFuture();
    long wait = 200 * NANOS_PER_MILLI - (System.nanoTime() - start);
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    Outcome second = await(stores.get(1).execute(new Attempt(key, "fp"),
        new LedgerEffect(ledger, secondMillis * NANOS_PER_MILLI)));
    Outcome firstOutcome = first.get(10, TimeUnit.SECONDS);
    Outcome after = await(stores.get(2).execute(new Attempt(key, "fp"), quick));
    StoredResponse replayed = after instanceof Outcome.Replayed r ? r.response() : null;
    return new Race(firstOutcome, second, effects(key), replayed, ledger.counts().fencedOut() - fencedBefore);
  }

  @Test
  void unreachableRedisNamesTheAddressAndWhatToDo() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "redis://127.0.0.1:" + port;
    assertThatThrownBy(() -> create(Map.of("url", url)))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("url"))
        .hasMessageContaining("cannot reach Redis at " + url)
        .hasMessageContaining("Connection refused")
        .hasMessageContaining("start redis-server there")
        .hasMessageContaining("apt-get install redis-server");
    assertThatThrownBy(() -> new RedisLedger(url, 100, "x:"))
        .hasMessageContaining("cannot reach Redis at " + url)
        .hasMessageContaining("redis-server");
  }

  @Test
  void aBadParameterIsNamed() {
    assertThatThrownBy(() -> create(Map.of("timeout-millis", "0")))
        .isInstanceOfSatisfying(InvalidParameterException.class,
            e -> assertThat(e.parameter()).isEqualTo("timeout-millis"))
        .hasMessageContaining("timeout-millis");
    assertThatThrownBy(() -> create(Map.of("lock-ttl-millis", "0")))
        .isInstanceOfSatisfying(InvalidParameterException.class,
            e -> assertThat(e.parameter()).isEqualTo("lock-ttl-millis"))
        .hasMessageContaining("lock-ttl-millis");
    assertThatThrownBy(() -> create(Map.of("url", "http://nowhere")))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("url"));
    RedisIdempotencySettings direct = new RedisIdempotencySettings();
    direct.timeoutMillis = 0;
    assertThatThrownBy(direct::validate).isInstanceOfSatisfying(InvalidParameterException.class,
        e -> assertThat(e.parameter()).isEqualTo("timeout-millis"));
    RedisIdempotencySettings noLock = new RedisIdempotencySettings();
    noLock.lockTtlMillis = 0;
    assertThatThrownBy(noLock::validate).isInstanceOfSatisfying(InvalidParameterException.class,
        e -> assertThat(e.parameter()).isEqualTo("lock-ttl-millis"));
  }

  @Test
  void redisGoneMakesAttemptsFailAtOnceWithoutBlocking() throws Exception {
    try (RedisServerProcess own = RedisServerProcess.launch()) {
      IdempotencyStore store = create(Map.of("url", own.uri(), "timeout-millis", "100"));
      LedgerEffect effect = new LedgerEffect(ledger, 0);
      assertThat(await(store.execute(new Attempt(uniqueKey("up"), "fp"), effect))).isInstanceOf(Outcome.Processed.class);
      own.stop();
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        CompletionStage<Outcome> stage = store.execute(new Attempt(uniqueKey("down"), "fp"), effect);
        Outcome outcome = await(stage);
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        assertThat(((Outcome.Failed) outcome).why()).contains(own.uri());
        // well under Lettuce's own 60 s command timeout: the store's timeout-millis (100 ms) applies
        assertThat(System.nanoTime() - start).as("answered by the store's timeout, not Lettuce's 60 s")
            .isLessThan(20_000 * NANOS_PER_MILLI);
      }
      assertThat(store.stats().get("redisFailures")).isEqualTo(3L);
      store.close();
    }
  }

  @Test
  void resetDeletesOnlyItsOwnPrefix() throws Exception {
    try (RedisLedger globby = new RedisLedger(redis.uri(), 2000, "t*[1]:");
        RedisLedger neighbour = new RedisLedger(redis.uri(), 2000, "tX1:")) {
      globby.create("a", 0).toCompletableFuture().get(5, TimeUnit.SECONDS);
      neighbour.create("a", 0).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertThat(globby.counts().effects()).isEqualTo(1);
      globby.reset();
      assertThat(globby.counts()).isEqualTo(new OrderLedger.Counts(0, 0, 0, 0));
      assertThat(neighbour.counts()).as("a prefix the unescaped glob would match").isEqualTo(
          new OrderLedger.Counts(1, 1, 0, 0));
      assertThat(neighbour.effects("a")).isEqualTo(1);
    }
    IdempotencyStore store = create(Map.of("key-prefix", "reset:"));
    IdempotencyStore other = create(Map.of("key-prefix", "kept:"));
    LedgerEffect effect = new LedgerEffect(ledger, 0);
    String key = uniqueKey("reset");
    await(store.execute(new Attempt(key, "fp"), effect));
    await(other.execute(new Attempt(key, "fp"), effect));
    store.reset();
    assertThat(await(store.execute(new Attempt(key, "fp"), effect))).isInstanceOf(Outcome.Processed.class);
    assertThat(await(other.execute(new Attempt(key, "fp"), effect))).isInstanceOf(Outcome.Replayed.class);
  }
}
