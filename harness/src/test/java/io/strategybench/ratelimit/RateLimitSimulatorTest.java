package io.strategybench.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.family.FamilyModules;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitSimulatorTest {
  private static final StrategyRegistry REGISTRY = FamilyModules.builtIn().registry();
  private static final long SECOND = 1_000_000_000L;

  private static StrategyDescriptor<RateLimiter> strategy(String name) {
    return REGISTRY.strategy(RateLimiter.FAMILY, name);
  }

  private static RateLimitSimulationResult run(String name, String pattern, long limit, int keys, long seed) {
    Arrivals arrivals = Arrivals.generate(pattern, keys, 2.0 * limit, 30 * SECOND, limit, SECOND, seed);
    return RateLimitSimulator.run(strategy(name), Map.of(), limit, 1000, arrivals, pattern,
        RateLimitSimulator.Service.DEFAULT, seed, null);
  }

  @Test
  void theSlidingLogIsTheOracleItselfOnEveryPattern() {
    for (String pattern : Arrivals.PATTERNS) {
      for (long seed : new long[] {1, 2, 3}) {
        RateLimitSimulationResult r = run("sliding-log", pattern, 50, 3, seed);
        assertThat(r.falseAdmits()).as(pattern).isZero();
        assertThat(r.falseRejects()).as(pattern).isZero();
        assertThat(r.admitted()).as(pattern).isEqualTo(r.oracleAdmitted());
        assertThat(r.maxAdmittedInWindow()).as(pattern).isLessThanOrEqualTo(50);
      }
    }
  }

  @Test
  void theRedisSlidingLogIsExactToo() {
    // Poisson arrivals of 10 keys at twice the limit: about 60,000 decisions, enough that times finer than
    // the scripts' microseconds would show as divergences from the exact log.
    try (RedisForSimulation redis = RedisForSimulation.open(null)) {
      Arrivals arrivals = Arrivals.generate("poisson", 10, 200, 30 * SECOND, 100, SECOND, 1);
      RateLimitSimulationResult r = RateLimitSimulator.run(strategy("redis-sliding-log"), Map.of(), 100, 1000,
          arrivals, "poisson", RateLimitSimulator.Service.DEFAULT, 1, redis.uri());
      assertThat(r.remote()).isTrue();
      assertThat(r.falseAdmits() + r.falseRejects()).isZero();
      assertThat(r.maxAdmittedInWindow()).isLessThanOrEqualTo(100);
      assertThat(r.stateBytesPerKey()).as("Redis MEMORY USAGE").isPositive();
    }
  }

  @Test
  void redisStateIsTheWindowsStillInUseNotEveryWindowOfTheRun() {
    // 30 virtual windows pass in a second or two of real time, so their keys' real TTLs have not run out:
    // the state of a key is still only the current window's counter (and the previous one for the counter).
    try (RedisForSimulation redis = RedisForSimulation.open(null)) {
      Arrivals arrivals = Arrivals.generate("steady", 2, 200, 30 * SECOND, 100, SECOND, 1);
      for (String name : List.of("redis-fixed-window", "redis-sliding-window-counter")) {
        RateLimitSimulationResult r = RateLimitSimulator.run(strategy(name), Map.of(), 100, 1000, arrivals, "steady",
            RateLimitSimulator.Service.DEFAULT, 1, redis.uri());
        assertThat(r.stateBytesPerKey()).as(name).isPositive().isLessThan(300);
      }
    }
  }

  @Test
  void aFixedWindowAdmitsTwiceTheLimitAcrossAnEdgeOfTheBoundaryBurst() {
    RateLimitSimulationResult r = run("fixed-window", "boundary-burst", 40, 1, 1);
    assertThat(r.maxAdmittedInWindow()).isEqualTo(80);
    assertThat(r.overAdmission()).isEqualTo(1.0);
    assertThat(r.falseAdmits()).isPositive();
    // The exact log admits one full limit around each edge, the fixed window two.
    assertThat(run("sliding-log", "boundary-burst", 40, 1, 1).maxAdmittedInWindow()).isEqualTo(40);
  }

  @Test
  void bucketsStayWithinCapacityPlusRateTimesTheWindow() {
    for (String name : List.of("token-bucket", "leaky-bucket", "gcra")) {
      for (String pattern : Arrivals.PATTERNS) {
        RateLimitSimulationResult r = run(name, pattern, 30, 2, 7);
        assertThat(r.maxAdmittedInWindow()).as(name + " " + pattern).isLessThanOrEqualTo(60);
      }
    }
  }

  @Test
  void stateBytesAreMeasuredAndTheSlidingLogPaysForItsTimestamps() {
    RateLimitSimulationResult log = run("sliding-log", "steady", 200, 4, 1);
    RateLimitSimulationResult bucket = run("token-bucket", "steady", 200, 4, 1);
    assertThat(bucket.stateBytesPerKey()).isPositive();
    // An exact log keeps up to `limit` timestamps of 8 bytes per key; a bucket keeps a few numbers.
    assertThat(log.stateBytesPerKey()).isGreaterThanOrEqualTo(8 * 200);
    assertThat(bucket.stateBytesPerKey()).isLessThan(log.stateBytesPerKey() / 5);
  }

  @Test
  void theSameSeedGivesTheSameResult() {
    for (String name : REGISTRY.names(RateLimiter.FAMILY)) {
      if (name.startsWith("redis-")) {
        continue;
      }
      RateLimitSimulationResult a = run(name, "poisson", 20, 3, 11);
      RateLimitSimulationResult b = run(name, "poisson", 20, 3, 11);
      assertThat(a).as(name).isEqualTo(b);
      assertThat(a.admitted() + a.rejected()).as(name).isEqualTo(a.arrivals());
    }
  }

  @Test
  void concurrencyLimitersNeverHaveMoreInFlightThanTheirLimit() {
    Arrivals arrivals = Arrivals.generate("burst", 1, 400, 10 * SECOND, 10, SECOND, 1);
    RateLimitSimulationResult r = RateLimitSimulator.run(strategy("concurrency"), Map.of(), 10, 1000, arrivals, "burst",
        new RateLimitSimulator.Service(50_000_000L, 4), 1, null);
    assertThat(r.maxInFlight()).isEqualTo(10);
    assertThat(r.rejected()).isPositive();
  }

  @Test
  void maxInWindowMatchesABruteForceCount() {
    SplittableRandom random = new SplittableRandom(5);
    for (int trial = 0; trial < 200; trial++) {
      long[] ts = new long[random.nextInt(1, 60)];
      for (int i = 0; i < ts.length; i++) {
        ts[i] = random.nextLong(0, 5000);
      }
      Arrays.sort(ts);
      long window = random.nextLong(1, 1000);
      long brute = 0;
      for (long start : ts) {
        long count = Arrays.stream(ts).filter(t -> t >= start && t < start + window).count();
        brute = Math.max(brute, count);
      }
      assertThat(RateLimitSimulator.maxInWindow(ts, window)).isEqualTo(brute);
    }
  }

  @Test
  void patternsHaveTheShapeTheyPromise() {
    Arrivals steady = Arrivals.generate("steady", 2, 50, 10 * SECOND, 10, SECOND, 1);
    assertThat(steady.size()).isEqualTo(2 * 500);
    Arrivals boundary = Arrivals.generate("boundary-burst", 1, 1, 10 * SECOND, 10, SECOND, 1);
    // the opener, then 2 x limit at each of the edges 1 s, 5 s and 9 s
    assertThat(boundary.size()).isEqualTo(1 + 3 * 20);
    long beforeEdge = Arrays.stream(boundary.times()).filter(t -> t >= SECOND - SECOND / 100 && t < SECOND).count();
    long afterEdge = Arrays.stream(boundary.times()).filter(t -> t >= SECOND && t < SECOND + SECOND / 100).count();
    assertThat(beforeEdge).isEqualTo(10);
    assertThat(afterEdge).isEqualTo(10);
    Arrivals poisson = Arrivals.generate("poisson", 1, 100, 100 * SECOND, 10, SECOND, 3);
    assertThat(poisson.size()).isBetween(9_500, 10_500); // 10,000 expected, sd 100
    for (int i = 1; i < poisson.size(); i++) {
      assertThat(poisson.times()[i]).isGreaterThanOrEqualTo(poisson.times()[i - 1]);
    }
    assertThatThrownBy(() -> Arrivals.generate("spiky", 1, 1, SECOND, 1, SECOND, 1))
        .hasMessageContaining("steady, poisson, burst, boundary-burst");
  }

  @Test
  void arrivalsFromAFileAreShiftedToZeroAndBadLinesAreNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("arrivals.txt");
    Files.writeString(file, "# ms,key\n1000,alice\n1000.5 bob\n1250,alice\n\n2000\n");
    Arrivals a = Arrivals.read(file);
    assertThat(a.times()).containsExactly(0, 500_000, 250_000_000, 1_000_000_000);
    assertThat(a.keyNames()).containsExactly("alice", "bob", "client-0");
    assertThat(a.keys()).containsExactly(0, 1, 0, 2);
    Files.writeString(file, "10\nsoon,alice\n");
    assertThatThrownBy(() -> Arrivals.read(file)).hasMessageContaining(":2:").hasMessageContaining("'soon'");
    Files.writeString(file, "10\n5\n");
    assertThatThrownBy(() -> Arrivals.read(file)).hasMessageContaining(":2:").hasMessageContaining("sort the file");
  }
}
