package io.strategybench.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.ratelimit.Decision;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.StrategyContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redis going away and coming back under load: the failure policy answers every call during the outage, no
 * call hangs, the counters say so, and the same strategy instance uses Redis again once it is back. Also the
 * errors a user sees when Redis is unreachable or a parameter is wrong, and the state size in Redis.
 */
class RedisFailureTest {
  private static final long TIMEOUT_MILLIS = 100;
  private static final long MARGIN_MILLIS = 1000;

  static RedisServerProcess redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.launch();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  record Call(long startNanos, long endNanos, boolean admitted) {
    long millis() {
      return TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
    }
  }

  /** Runs load, kills Redis for a while, restarts it; returns the calls and the phase boundaries. */
  private static void outage(String name, String policy) throws Exception {
    RedisRateLimiter limiter = RedisTesting.create(name, redis, Map.of("on-failure", policy,
        "timeout-millis", Long.toString(TIMEOUT_MILLIS), "limit", "20", "window-millis", "1000",
        "key-prefix", "outage:" + policy + ":"));
    boolean open = policy.equals("open");
    List<Call> calls = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      boolean async = t == 0; // one thread goes through the non-blocking path
      threads.add(new Thread(() -> {
        while (running.get()) {
          long start = System.nanoTime();
          Decision d = async
              ? limiter.acquireAsync("client", start).toCompletableFuture().join()
              : limiter.acquire("client", start);
          calls.add(new Call(start, System.nanoTime(), d.admitted()));
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "load-" + t));
    }
    threads.forEach(Thread::start);
    Thread.sleep(600);
    long downFrom = System.nanoTime();
    redis.stop();
    long down = System.nanoTime();
    Thread.sleep(1500);
    long upFrom = System.nanoTime();
    redis.start();
    long up = System.nanoTime();
    // Redis decides again when its answers appear: rejections under open, admissions under closed.
    long recovered = -1;
    long deadline = up + TimeUnit.SECONDS.toNanos(5);
    while (recovered < 0 && System.nanoTime() < deadline) {
      for (Call c : calls) {
        if (c.startNanos > up && c.admitted != open) {
          recovered = c.endNanos;
          break;
        }
      }
      Thread.sleep(20);
    }
    running.set(false);
    for (Thread thread : threads) {
      thread.join();
    }
    Map<String, Object> stats = limiter.stats();
    limiter.close();

    List<Call> before = calls.stream().filter(c -> c.endNanos < downFrom).toList();
    List<Call> during = calls.stream().filter(c -> c.startNanos > down && c.endNanos < upFrom).toList();
    long maxMillis = calls.stream().mapToLong(Call::millis).max().orElse(0);
    long maxDuringMillis = during.stream().mapToLong(Call::millis).max().orElse(0);
    System.out.printf("%s on-failure=%s: %d calls, %d during the outage (all %s), slowest call %d ms "
            + "(during the outage %d ms), Redis decides again %d ms after restart; stats %s%n", name, policy,
        calls.size(), during.size(), open ? "admitted" : "rejected", maxMillis, maxDuringMillis,
        recovered < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(recovered - up), stats);

    assertThat(before).as("Redis decided before the outage").anyMatch(c -> c.admitted)
        .anyMatch(c -> !c.admitted);
    assertThat(during).as("calls during the outage").hasSizeGreaterThan(50)
        .allMatch(c -> c.admitted == open);
    assertThat(maxMillis).as("slowest call, ms").isLessThanOrEqualTo(TIMEOUT_MILLIS + MARGIN_MILLIS);
    assertThat((Long) stats.get("redisErrors")).isGreaterThanOrEqualTo(during.size());
    assertThat((Long) stats.get(open ? "failOpenAdmits" : "failClosedRejects")).isGreaterThanOrEqualTo(during.size());
    assertThat((Long) stats.get(open ? "failClosedRejects" : "failOpenAdmits")).isZero();
    assertThat(recovered).as("Redis decides again within 5 s of its restart").isPositive();
  }

  @Test
  void failOpenAdmitsEveryCallWhileRedisIsDownAndRecoversByItself() throws Exception {
    outage("redis-gcra", "open");
  }

  @Test
  void failClosedRejectsEveryCallWhileRedisIsDownAndRecoversByItself() throws Exception {
    outage("redis-sliding-window-counter", "closed");
  }

  @Test
  void anUnreachableRedisIsAClearErrorNamingTheParameter() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String uri = "redis://127.0.0.1:" + port;
    for (String name : RedisTesting.NAMES) {
      assertThatThrownBy(() -> RedisTesting.REGISTRY.strategy(RateLimiter.FAMILY, name)
          .create(Map.of("redis", uri), StrategyContext.system()))
          .isInstanceOf(InvalidParameterException.class)
          .hasMessageContaining("parameter 'redis' of ratelimit strategy '" + name + "'")
          .hasMessageContaining("cannot reach Redis at " + uri + " (Connection refused)")
          .hasMessageContaining("start redis-server or set -p redis=URI")
          .satisfies(e -> assertThat(((InvalidParameterException) e).parameter()).isEqualTo("redis"));
    }
  }

  @Test
  void badParametersNameTheParameter() {
    var gcra = RedisTesting.REGISTRY.strategy(RateLimiter.FAMILY, "redis-gcra");
    assertThatThrownBy(() -> gcra.validate(Map.of("timeout-millis", "0")))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("timeout-millis");
    assertThatThrownBy(() -> gcra.validate(Map.of("redis", "http://nowhere:1")))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("'redis'");
    assertThatThrownBy(() -> gcra.validate(Map.of("on-failure", "maybe")))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("on-failure");
    assertThatThrownBy(() -> gcra.validate(Map.of("time", "sundial")))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("time");
    assertThatThrownBy(() -> gcra.validate(Map.of("burst", "-2")))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("burst");
    assertThatThrownBy(() -> RedisTesting.create("redis-token-bucket", redis,
        Map.of("limit", "1000000000", "window-millis", "86400000")))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("parameter 'limit'");
  }

  @Test
  void remoteStateBytesMeasuresTheKeysInRedis() {
    for (String name : RedisTesting.NAMES) {
      try (RedisRateLimiter limiter = RedisTesting.create(name, redis, Map.of("key-prefix", "bytes:"))) {
        assertThat(limiter.isRemote()).isTrue();
        assertThat(limiter.remoteStateBytes("untouched")).as(name).isZero();
        for (int i = 0; i < 3; i++) {
          assertThat(limiter.acquire("busy", System.nanoTime()).admitted()).isTrue();
        }
        long bytes = limiter.remoteStateBytes("busy");
        System.out.printf("%s: %d bytes of Redis state for one key after 3 requests%n", name, bytes);
        assertThat(bytes).as(name).isPositive();
      }
    }
  }

  @Test
  void acquireAsyncDoesNotBlockTheCaller() throws Exception {
    try (RedisRateLimiter limiter = RedisTesting.create("redis-sliding-log", redis,
        Map.of("key-prefix", "async:", "timeout-millis", "5000", "time", "caller"))) {
      // All at one instant of the caller's clock: however long the calls take, none leaves the window.
      List<CompletableFuture<Decision>> futures = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        futures.add(limiter.acquireAsync("k", 1_000_000_000L).toCompletableFuture());
      }
      long admitted = 0;
      for (CompletableFuture<Decision> f : futures) {
        admitted += f.get(5, TimeUnit.SECONDS).admitted() ? 1 : 0;
      }
      assertThat(limiter.stats()).containsEntry("redisErrors", 0L);
      assertThat(admitted).isEqualTo(100); // the default limit, exactly, though 150 were in flight at once
    }
  }
}
