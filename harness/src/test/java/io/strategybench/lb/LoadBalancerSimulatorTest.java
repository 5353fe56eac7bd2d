package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.strategybench.family.FamilyModules;
import io.strategybench.backend.SimulatedBackendSpec;
import io.strategybench.server.Json;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadBalancerSimulatorTest {
  private static final StrategyRegistry REGISTRY = FamilyModules.builtIn().registry();
  private static final HealthPolicy PASSIVE_ONLY = new HealthPolicy(3, TimeUnit.SECONDS.toNanos(600), true, 0,
      TimeUnit.MILLISECONDS.toNanos(500), "/", 2, 2);

  private static StrategyDescriptor<LoadBalancer> strategy(String name) {
    return REGISTRY.strategy(LoadBalancer.FAMILY, name);
  }

  private static LbWorkload workload(List<SimulatedBackendSpec> backends, double rate, boolean poisson, long seconds,
      long seed) {
    return new LbWorkload(backends, rate, poisson, TimeUnit.SECONDS.toNanos(seconds), 1000, 200, PASSIVE_ONLY, seed);
  }

  @Test
  void anMM1QueueHasTheResponseTimeQueueingTheoryPredicts() {
    // One server, exponential service with mean 5 ms (mu = 200/s), Poisson arrivals at lambda = 100/s:
    // the mean time in an M/M/1 system is 1 / (mu - lambda) = 10 ms, and its median ln 2 / (mu - lambda).
    List<SimulatedBackendSpec> one = SimulatedBackendSpec.pool(1, List.of(1), List.of(1), "exp:5ms", 1_000_000, 1,
        List.of());
    LbSimulationResult r = LoadBalancerSimulator.run(strategy("round-robin"), Map.of(),
        workload(one, 100, true, 2_000, 1));
    assertThat(r.requests()).isBetween(199_000L, 201_000L);
    assertThat(r.errors()).isZero();
    assertThat(((Number) r.latency().get("meanMicros")).doubleValue()).isCloseTo(10_000, within(300.0));
    assertThat(((Number) r.latency().get("p50Micros")).doubleValue()).isCloseTo(Math.log(2) * 10_000, within(300.0));
  }

  @Test
  void theSameSeedGivesTheSameResultAndAnotherSeedDoesNot() throws Exception {
    List<SimulatedBackendSpec> pool = SimulatedBackendSpec.pool(4, List.of(4, 2, 1, 1), List.of(8, 4, 2, 2), "exp:5ms",
        128, 1024, List.of("b4@5s:slow=10", "b2@7s:refuse"));
    for (StrategyDescriptor<LoadBalancer> d : REGISTRY.strategies(LoadBalancer.FAMILY)) {
      String a = Json.write(LoadBalancerSimulator.run(d, Map.of(), workload(pool, 1500, true, 10, 3)));
      String b = Json.write(LoadBalancerSimulator.run(d, Map.of(), workload(pool, 1500, true, 10, 3)));
      String c = Json.write(LoadBalancerSimulator.run(d, Map.of(), workload(pool, 1500, true, 10, 4)));
      assertThat(a).as(d.name()).isEqualTo(b).isNotEqualTo(c);
    }
  }

  @Test
  void everyRequestIsAnsweredOrCountedAsAnError() {
    List<SimulatedBackendSpec> pool = SimulatedBackendSpec.pool(4, List.of(1), List.of(2), "exp:5ms", 16, 1,
        List.of("b1@2s:slow=20", "b3@3s:error=503", "b2@4s:refuse"));
    for (StrategyDescriptor<LoadBalancer> d : REGISTRY.strategies(LoadBalancer.FAMILY)) {
      LbSimulationResult r = LoadBalancerSimulator.run(d, Map.of(), workload(pool, 1200, true, 8, 1));
      assertThat(r.completed() + r.errors()).as(d.name()).isEqualTo(r.requests());
    }
  }

  @Test
  void weightedRoundRobinGivesEachBackendItsWeightExactly() {
    List<SimulatedBackendSpec> pool = SimulatedBackendSpec.pool(4, List.of(4, 2, 1, 1), List.of(100), "const:1ms", 0, 1,
        List.of());
    LbSimulationResult r = LoadBalancerSimulator.run(strategy("weighted-round-robin"), Map.of(),
        workload(pool, 800, false, 10, 1));
    assertThat(r.requests()).isEqualTo(8000);
    assertThat(r.backends()).extracting(b -> ((Number) b.get("dispatched")).longValue())
        .containsExactly(4000L, 2000L, 1000L, 1000L);
  }

  @Test
  void aRefusingBackendGetsExactlyMaxFailsRequestsBeforeItIsEjected() {
    List<SimulatedBackendSpec> pool = SimulatedBackendSpec.pool(4, List.of(1), List.of(8), "const:1ms", 16, 1,
        List.of("b2@1s:refuse"));
    LbSimulationResult r = LoadBalancerSimulator.run(strategy("round-robin"), Map.of(), workload(pool, 400, false, 5, 1));
    assertThat(r.requestsToFailedBackend()).isEqualTo(PASSIVE_ONLY.maxFails());
    assertThat(r.retries()).as("each refused request was retried elsewhere").isEqualTo(PASSIVE_ONLY.maxFails());
    assertThat(r.errors()).isZero();
  }

  @Test
  void stickySessionsStayPutAndIpHashKeepsClients() {
    List<SimulatedBackendSpec> pool = SimulatedBackendSpec.pool(4, List.of(1), List.of(8), "exp:2ms", 64, 1, List.of());
    LbSimulationResult sticky = LoadBalancerSimulator.run(strategy("sticky-round-robin"), Map.of(),
        workload(pool, 500, true, 10, 1));
    assertThat(sticky.stickiness()).isEqualTo(1.0);
    LbSimulationResult ipHash = LoadBalancerSimulator.run(strategy("ip-hash"), Map.of(), workload(pool, 500, true, 10, 1));
    assertThat(ipHash.clientAffinity()).isEqualTo(1.0);
    LbSimulationResult roundRobin = LoadBalancerSimulator.run(strategy("round-robin"), Map.of(),
        workload(pool, 500, true, 10, 1));
    assertThat(roundRobin.stickiness()).isLessThan(0.5);
  }

  @Test
  void leastConnectionsBeatsRoundRobinOnUnequalBackends() {
    List<SimulatedBackendSpec> pool = SimulatedBackendSpec.pool(4, List.of(4, 2, 1, 1), List.of(8, 4, 2, 2), "exp:5ms",
        128, 1, List.of());
    double rr = p99(LoadBalancerSimulator.run(strategy("round-robin"), Map.of(), workload(pool, 1500, true, 20, 1)));
    double lc = p99(LoadBalancerSimulator.run(strategy("least-connections"), Map.of(), workload(pool, 1500, true, 20, 1)));
    assertThat(lc).isLessThan(rr / 2);
  }

  @Test
  void aThousandBackendsAreFine() {
    List<SimulatedBackendSpec> pool = SimulatedBackendSpec.pool(1000, List.of(1, 2), List.of(4), "exp:10ms", 16, 1,
        List.of("b500@1s:refuse"));
    for (String name : List.of("least-connections", "peak-ewma", "weighted-round-robin")) {
      LbSimulationResult r = LoadBalancerSimulator.run(strategy(name), Map.of(), workload(pool, 20_000, true, 3, 1));
      assertThat(r.backends()).hasSize(1000);
      assertThat(r.completed() + r.errors()).isEqualTo(r.requests());
      assertThat(r.backends().stream().filter(b -> ((Number) b.get("dispatched")).longValue() > 0).count())
          .as(name + " uses every backend").isGreaterThan(990);
    }
  }

  @Test
  void withThreeOfFourBackendsEjectedThePanicThresholdSpreadsTrafficOverAllFour() {
    // round robin, 400 requests a second for 5 s: from the first second on, three backends answer 503
    List<SimulatedBackendSpec> pool = SimulatedBackendSpec.pool(4, List.of(1), List.of(8), "const:1ms", 16, 1,
        List.of("b1@1s:error=503", "b2@1s:error=503", "b3@1s:error=503"));
    LbSimulationResult panic = LoadBalancerSimulator.run(strategy("round-robin"), Map.of(),
        workload(pool, 400, false, 5, 1));
    assertThat(panic.requests()).isEqualTo(2000);
    assertThat(panic.backends()).as("one backend of four up is under half: all four share the load")
        .allSatisfy(b -> assertThat(((Number) b.get("dispatched")).longValue()).isBetween(497L, 503L));
    assertThat(panic.panicDispatches()).isGreaterThan(1550);
    LbWorkload noPanic = new LbWorkload(pool, 400, false, TimeUnit.SECONDS.toNanos(5), 1000, 200,
        PASSIVE_ONLY.withPanicThreshold(0), 1);
    LbSimulationResult strict = LoadBalancerSimulator.run(strategy("round-robin"), Map.of(), noPanic);
    assertThat(strict.backends()).extracting(b -> ((Number) b.get("dispatched")).longValue())
        .as("without panic the three get their first second and max-fails more, the fourth the rest")
        .containsExactly(103L, 103L, 103L, 1691L);
    assertThat(strict.panicDispatches()).isZero();
  }

  private static double p99(LbSimulationResult r) {
    return ((Number) r.latency().get("p99Micros")).doubleValue();
  }
}
