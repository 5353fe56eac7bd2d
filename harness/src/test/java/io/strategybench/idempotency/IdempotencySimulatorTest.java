package io.strategybench.idempotency;

import static io.strategybench.idempotency.IdempotencyStore.CONTROL;
import static io.strategybench.idempotency.IdempotencyStore.FENCED;
import static io.strategybench.idempotency.IdempotencyStore.LOCK_TTL;
import static io.strategybench.idempotency.IdempotencyStore.PER_INSTANCE;
import static io.strategybench.idempotency.IdempotencyStore.RECOVERY_POINTS;
import static io.strategybench.idempotency.IdempotencyStore.REMOTE_STATE;
import static io.strategybench.idempotency.IdempotencyStore.SHARED;
import static io.strategybench.idempotency.IdempotencyStore.TRANSACTIONAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.idempotency.IdempotencySimulator.Result;
import io.strategybench.idempotency.IdempotencySimulator.Workload;
import io.strategybench.server.Json;
import io.strategybench.strategy.Strategy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import io.strategybench.cli.OptionTable;
import picocli.CommandLine;

class IdempotencySimulatorTest {
  /** The six stores, by the characteristics they declare (the simulator never sees more). */
  private static final Map<String, Set<String>> STORES = new LinkedHashMap<>();

  static {
    STORES.put("none", Set.of(CONTROL));
    STORES.put("in-memory", Set.of(PER_INSTANCE, LOCK_TTL));
    STORES.put("redis-setnx", Set.of(SHARED, REMOTE_STATE, LOCK_TTL));
    STORES.put("redis-fenced", Set.of(SHARED, REMOTE_STATE, LOCK_TTL, FENCED));
    STORES.put("postgres-unique", Set.of(SHARED, REMOTE_STATE, TRANSACTIONAL));
    STORES.put("postgres-recovery-points", Set.of(SHARED, REMOTE_STATE, RECOVERY_POINTS, LOCK_TTL, FENCED));
  }

  private static Result run(String store, Workload w) {
    return IdempotencySimulator.run(store, STORES.get(store), w);
  }

  /** No crashes; the lock outlives processing; enough attempts that every client is answered in the end. */
  private static Workload calm() {
    return Workload.DEFAULT.withKeys(1000).withInstances(3).withProcessing(200, false).withClientTimeoutMillis(1000)
        .withRetries(10, 50, 1000).withLockTtlMillis(10_000);
  }

  /** One key, one instance, no jitter (a base of 0 sleeps 0): every time below can be followed by hand. */
  private static Workload oneKey() {
    return new Workload(1, 1, 0, 200, false, 100, 3, 0, 0, 0, 0, 10, 50, 1);
  }

  @Test
  void withoutCrashesASharedStoreRunsExactlyOneEffectPerKey() {
    for (String store : new String[] {"redis-setnx", "redis-fenced", "postgres-unique", "postgres-recovery-points"}) {
      for (long seed = 1; seed <= 3; seed++) {
        Result r = run(store, calm().withSeed(seed).withClientTimeoutMillis(120));
        assertThat(r.effects()).as(store).isEqualTo(1000);
        assertThat(r.duplicates()).as(store).isZero();
        assertThat(r.effectsPerKeyHistogram()).as(store).isEqualTo(Map.of(1, 1000));
        assertThat(r.attempts()).as(store + ": timeouts shorter than processing make retries")
            .isGreaterThan(1000);
        assertThat(r.crashes() + r.refused() + r.stuckKeyMillisTotal()).as(store).isZero();
      }
    }
  }

  @Test
  void theControlRunsAnEffectForEveryAttempt() {
    Result r = run("none", calm().withClientTimeoutMillis(120));
    assertThat(r.attempts()).isGreaterThan(1000);
    assertThat(r.effects()).isEqualTo(r.attempts());
    assertThat(r.duplicates()).isEqualTo(r.attempts() - 1000);
    assertThat(r.replays() + r.conflicts409()).isZero();
  }

  @Test
  void aPerInstanceStoreDuplicatesBehindALoadBalancerOnly() {
    Workload w = calm().withClientTimeoutMillis(100);
    Result three = run("in-memory", w.withInstances(3));
    Result one = run("in-memory", w.withInstances(1));
    assertThat(three.duplicates()).isPositive();
    assertThat(three.keysWithDuplicates()).isPositive();
    assertThat(one.duplicates()).isZero();
    assertThat(one.effects()).isEqualTo(1000);
    assertThat(one.conflicts409()).as("a retry during processing finds the key locked").isPositive();
    assertThat(one.replays()).isPositive();
  }

  /** The positive control: a lock shorter than the processing lets a retry run beside the first attempt. */
  @Test
  void aLockShorterThanProcessingDuplicatesUnlessFenced() {
    Workload w = calm().withProcessing(200, false).withLockTtlMillis(50).withClientTimeoutMillis(100)
        .withRetries(5, 50, 1000);
    Result setnx = run("redis-setnx", w);
    Result fenced = run("redis-fenced", w);
    assertThat(setnx.expiredLocks()).isPositive();
    assertThat(setnx.duplicates()).isPositive();
    assertThat(fenced.expiredLocks()).isPositive();
    assertThat(fenced.duplicates()).isZero();
    assertThat(fenced.fencedOut()).isPositive();
    assertThat(fenced.effectsPerKeyHistogram()).isEqualTo(Map.of(1, 1000));
    // With a lock that outlives processing the same workload makes no duplicates: it is the TTL, not the retries.
    assertThat(run("redis-setnx", w.withLockTtlMillis(10_000)).duplicates()).isZero();
    System.out.printf("positive control (1000 keys, 3 instances, 200 ms processing, 50 ms lock TTL, 100 ms client"
        + " timeout, 5 attempts, backoff 50 ms..1 s): redis-setnx %d duplicates on %d keys, %d attempts;"
        + " redis-fenced %d duplicates, %d fenced out, %d gave up%n", setnx.duplicates(), setnx.keysWithDuplicates(),
        setnx.attempts(), fenced.duplicates(), fenced.fencedOut(), fenced.clientsGaveUp());
  }

  @Test
  void recoveryPointsAloneDoNotFenceATooSlowAttemptTheFencedCharacteristicDoes() {
    // The semantics are the declared characteristics': recovery points resume a dead attempt, they say nothing of
    // a live one whose lock expired. A store whose effect commits only while it still holds the lock (a lock
    // version) declares FENCED as well, and then the positive control makes no duplicate.
    Workload w = calm().withLockTtlMillis(50).withClientTimeoutMillis(100).withRetries(5, 50, 1000);
    assertThat(IdempotencySimulator.run("points-only", Set.of(SHARED, LOCK_TTL, RECOVERY_POINTS), w).duplicates())
        .isPositive();
    // postgres-recovery-points declares FENCED (each phase writes only while its attempt holds the lock)
    assertThat(run("postgres-recovery-points", w).duplicates()).isZero();
    Result fenced = IdempotencySimulator.run("fenced-points", Set.of(SHARED, LOCK_TTL, RECOVERY_POINTS, FENCED), w);
    assertThat(fenced.duplicates()).isZero();
    assertThat(fenced.fencedOut()).isPositive();
  }

  @Test
  void crashesAfterTheEffectDuplicateWithALockButNotWithATransactionOrARecoveryPoint() {
    Workload w = calm().withProcessing(100, false).withLockTtlMillis(300).withClientTimeoutMillis(500)
        .withRetries(10, 50, 1000).withCrashes(0.02, 0, 100);
    Result setnx = run("redis-setnx", w);
    Result unique = run("postgres-unique", w);
    Result points = run("postgres-recovery-points", w);
    assertThat(setnx.crashes()).isPositive();
    assertThat(setnx.duplicates()).as("at least once").isPositive();
    assertThat(setnx.stuckKeyMillisTotal()).isPositive();
    assertThat(setnx.stuckKeyMillisMax()).isLessThanOrEqualTo(300);
    assertThat(unique.duplicates()).isZero();
    assertThat(unique.stuckKeyMillisTotal()).as("the rollback frees the key at once").isZero();
    assertThat(points.duplicates()).isZero();
    assertThat(points.resumed()).isPositive();
    assertThat(points.stuckKeyMillisMax()).isLessThanOrEqualTo(300);
  }

  @Test
  void transactionsAndRecoveryPointsNeverDuplicateWhateverTheCrashes() {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 30; i++) {
      double processing = 20 + r.nextInt(300);
      double holding = r.nextDouble() * 0.3;
      Workload w = new Workload(1 + r.nextInt(300), 1 + r.nextInt(5), r.nextInt(2000), processing, false,
          10 + r.nextInt(600), 1 + r.nextInt(10), r.nextInt(200), r.nextInt(3000), r.nextDouble() * 0.3, holding,
          r.nextInt(2000), processing + 1 + r.nextInt(1000), r.nextLong());
      Result unique = run("postgres-unique", w);
      Result points = run("postgres-recovery-points", w);
      assertThat(unique.duplicates()).as("%s", w).isZero();
      assertThat(points.duplicates()).as("%s (processing shorter than the lock)", w).isZero();
      for (String store : STORES.keySet()) {
        Result x = run(store, w);
        assertThat(x.clientsSucceeded() + x.clientsGaveUp()).as("%s %s", store, w).isEqualTo(w.keys());
        assertThat(x.effectsPerKeyHistogram().values().stream().mapToInt(Integer::intValue).sum())
            .isEqualTo(w.keys());
        assertThat(x.attempts()).isBetween((long) w.keys(), (long) w.keys() * w.maxAttempts());
        assertThat(x.completionMillisP50()).isLessThanOrEqualTo(x.completionMillisP99());
        assertThat(x.completionMillisP99()).isLessThanOrEqualTo(x.completionMillisMax());
        if (STORES.get(store).contains(LOCK_TTL)) {
          assertThat(x.stuckKeyMillisMax()).as("%s %s", store, w).isLessThanOrEqualTo(w.lockTtlMillis());
        } else {
          assertThat(x.stuckKeyMillisTotal()).as("%s %s", store, w).isZero();
        }
      }
    }
  }

  @Test
  void sameSeedSameResultOtherSeedsDiffer() {
    Workload w = calm().withProcessing(150, true).withClientTimeoutMillis(200).withLockTtlMillis(100)
        .withCrashes(0.05, 0.05, 500);
    for (String store : STORES.keySet()) {
      assertThat(run(store, w)).as(store).isEqualTo(run(store, w));
      Set<Result> seen = new HashSet<>();
      for (long seed = 1; seed <= 4; seed++) {
        seen.add(run(store, w.withSeed(seed)));
      }
      assertThat(seen).as(store).hasSizeGreaterThan(1);
    }
  }

  // The twins: one key, one instance, 200 ms of processing, a 100 ms client timeout, 3 attempts, retries at once,
  // a 50 ms lock. A1 takes the key at 0 and applies at 200; the client retries A2 at 100 and A3 at 200.

  @Test
  void twinSetnx() {
    // A2 at 100 finds A1's lock expired (taken at 0) and takes it; A1 applies and stores at 200; A3 at 200 replays;
    // A2 applies again at 300.
    Result r = run("redis-setnx", oneKey());
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(r.effects()).isEqualTo(2);
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.expiredLocks()).isEqualTo(1);
    assertThat(r.replays()).isEqualTo(1);
    assertThat(r.clientsGaveUp()).isZero();
    assertThat(r.completionMillisMax()).isEqualTo(200.0);
  }

  @Test
  void twinFenced() {
    // A2 takes at 100 (token 2), A1 is refused at 200; A3 takes at 200 (token 3), A2 is refused at 300; the client
    // gives up at 300; A3 applies at 400: one effect, and a client that never heard of it.
    Result r = run("redis-fenced", oneKey());
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(r.effects()).isEqualTo(1);
    assertThat(r.fencedOut()).isEqualTo(2);
    assertThat(r.expiredLocks()).isEqualTo(2);
    assertThat(r.clientsGaveUp()).isEqualTo(1);
    assertThat(r.effectsPerKeyHistogram()).isEqualTo(Map.of(1, 1));
  }

  @Test
  void twinControlAndTransaction() {
    Result none = run("none", oneKey());
    assertThat(none.attempts()).isEqualTo(3);
    assertThat(none.effects()).isEqualTo(3);
    assertThat(none.clientsGaveUp()).isEqualTo(1);
    // A2 and A3 at 100 find the row locked (no expiry): two 409s, the client gives up; A1 commits at 200.
    Result unique = run("postgres-unique", oneKey());
    assertThat(unique.attempts()).isEqualTo(3);
    assertThat(unique.conflicts409()).isEqualTo(2);
    assertThat(unique.effects()).isEqualTo(1);
    assertThat(unique.clientsGaveUp()).isEqualTo(1);
  }

  @Test
  void twinEveryAttemptCrashesAfterItsEffect() {
    // 100 ms of processing, a 300 ms lock, a 500 ms timeout, a 10 ms restart: attempts at 0, 500, 1000 each apply
    // at +100 and die; each leaves the key held until its lock expires, 200 ms later.
    Workload w = new Workload(1, 1, 0, 100, false, 500, 3, 0, 0, 1.0, 0, 10, 300, 1);
    Result setnx = run("redis-setnx", w);
    assertThat(setnx.attempts()).isEqualTo(3);
    assertThat(setnx.effects()).isEqualTo(3);
    assertThat(setnx.crashes()).isEqualTo(3);
    assertThat(setnx.stuckKeyMillisTotal()).isEqualTo(600.0);
    assertThat(setnx.stuckKeyMillisMax()).isEqualTo(200.0);
    assertThat(setnx.clientsGaveUp()).isEqualTo(1);
    // The recovery point: A2 at 500 finds the lock expired and the effect done: it stores the response.
    Result points = run("postgres-recovery-points", w);
    assertThat(points.attempts()).isEqualTo(2);
    assertThat(points.effects()).isEqualTo(1);
    assertThat(points.resumed()).isEqualTo(1);
    assertThat(points.crashes()).isEqualTo(1);
    assertThat(points.completionMillisMax()).isEqualTo(500.0);
    // The transaction rolls every effect back with its crash: no effect at all, no stuck key.
    Result unique = run("postgres-unique", w);
    assertThat(unique.effects()).isZero();
    assertThat(unique.keysWithoutEffect()).isEqualTo(1);
    assertThat(unique.crashes()).isEqualTo(3);
    assertThat(unique.stuckKeyMillisTotal()).isZero();
  }

  @Test
  void aSharedStoreWithoutExpiryKeepsADeadAttemptsKeyForTheRestOfTheRun() {
    // A plugin store that declares only "shared": A1 dies holding the key at some moment of its 200 ms; the
    // instance restarts 10 ms later; every retry is refused or answered 409 until the client gives up.
    Workload w = new Workload(1, 1, 0, 200, false, 100, 3, 0, 0, 0, 1.0, 10, 50, 1);
    Result r = IdempotencySimulator.run("plugin", Set.of(SHARED), w);
    assertThat(r.effects()).isZero();
    assertThat(r.clientsGaveUp()).isEqualTo(1);
    assertThat(r.stuckKeyMillisTotal()).isPositive();
  }

  @Test
  void theBuiltInStoresDeclareWhatTheSimulatorModels() {
    assertThat(Set.of(NoStore.class.getAnnotation(Strategy.class).characteristics())).isEqualTo(STORES.get("none"));
    assertThat(Set.of(InMemoryStore.class.getAnnotation(Strategy.class).characteristics()))
        .isEqualTo(STORES.get("in-memory"));
  }

  @Test
  void aStoreThatSaysNotWhereItsKeysLiveIsRefused() {
    assertThatThrownBy(() -> IdempotencySimulator.run("odd", Set.of(LOCK_TTL), oneKey()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd");
    assertThatThrownBy(() -> oneKey().withCrashes(0.6, 0.6, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCommandParsesItsOptionsAndPrintsATable() {
    SimulateIdempotencyOptions options = OptionTable.of(SimulateIdempotencyOptions.class).parse("--keys", "20",
        "--processing-time", "250ms", "--client-timeout", "1s", "--lock-ttl", "50ms", "--crash-after-effect",
        "0.01");
    assertThat(options.keys()).isEqualTo(20);
    assertThat(options.processingNanos()).isEqualTo(250_000_000L);
    assertThat(options.lockTtlNanos()).isEqualTo(50_000_000L);
    assertThat(options.crashAfterEffect()).isEqualTo(0.01);
    assertThat(options.workload().processingMillis()).isEqualTo(250.0);
    assertThatThrownBy(() -> OptionTable.of(SimulateIdempotencyOptions.class).parse("--crash-after-effect", "1.5"))
        .hasMessage("--crash-after-effect must be 0 to 1, got 1.5");
    CommandLine root = io.strategybench.cli.Bench.newCommandLine();
    root.parseArgs("simulate", "idempotency", "--keys", "20", "--strategy", "redis-setnx,redis-fenced", "-p",
        "redis-setnx:lock-ttl-millis=40");
    CommandLine cli = root.getSubcommands().get("simulate").getSubcommands().get("idempotency");
    assertThat(cli.getUsageMessage()).contains("--crash-after-effect").contains("1%").contains("--lock-ttl");
    Workload w = oneKey();
    StringWriter text = new StringWriter();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("result", run("redis-fenced", w));
    row.put("lockTtlMillis", 50.0);
    SimulateIdempotencyCommand.printTable(new PrintWriter(text, true), List.of(row), List.of("odd"), w);
    assertThat(text.toString()).contains("redis-fenced").contains("fenced").contains("odd").contains("skipped");
  }

  @Test
  void theResultIsJson() {
    String json = Json.write(run("redis-fenced", oneKey()));
    assertThat(json).contains("\"effectsPerKeyHistogram\"").contains("\"fencedOut\"").contains("\"strategy\"");
  }
}
