package io.strategybench.hashing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.strategybench.family.FamilyModules;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashingSimulatorTest {
  private static final StrategyRegistry REGISTRY = FamilyModules.builtIn().registry();

  private static StrategyDescriptor<ConsistentHash> strategy(String name) {
    return REGISTRY.strategy(ConsistentHash.FAMILY, name);
  }

  private static HashingSimulationResult run(String name, Map<String, String> params, int nodes, long keys) {
    return HashingSimulator.run(strategy(name), params, nodes, keys, 0);
  }

  @Test
  void theRingSpreadReproducesLampingAndVeachsFigures() {
    // Lamping and Veach (2014): the standard error of keys per node of a ring with k points per node is about
    // 1/sqrt(k), 10% with 100 points and 3.2% with 1000; jump hash's is far below 1%. Two million keys keep the
    // sampling noise (sqrt((N-1)/K) = 0.7%) well under the figures.
    assertThat(run("ring", Map.of("vnodes", "100"), 100, 2_000_000).relStdDev()).isBetween(0.08, 0.12);
    assertThat(run("ring", Map.of("vnodes", "1000"), 100, 2_000_000).relStdDev()).isBetween(0.025, 0.039);
    HashingSimulationResult jump = run("jump", Map.of(), 100, 2_000_000);
    assertThat(jump.randomRelStdDev()).isCloseTo(Math.sqrt(99 / 2e6), within(1e-6));
    assertThat(jump.relStdDev()).as("jump is as even as sampling lets it look").isLessThan(0.01)
        .isCloseTo(jump.randomRelStdDev(), within(0.25 * jump.randomRelStdDev()));
  }

  @Test
  void tenMillionKeysAreFineAndShowJumpFarBelowOnePercent() {
    HashingSimulationResult jump = run("jump", Map.of(), 10, 10_000_000);
    assertThat(jump.keys()).isEqualTo(10_000_000);
    assertThat(jump.relStdDev()).isLessThan(0.002);
    assertThat(jump.movedOnAdd()).isCloseTo(1.0 / 11, within(0.001));
  }

  /** Keys the simulator places, owned by {@code node} in a twin of the strategy over {@code nodes}: brute force. */
  private static double share(String strategy, List<HashNode> nodes, String node, int keys) {
    ConsistentHash twin = strategy(strategy).create(Map.of(), io.strategybench.strategy.StrategyContext.system());
    twin.setNodes(nodes);
    byte[] key = new byte[8];
    long owned = 0;
    for (int i = 0; i < keys; i++) {
      HashingSimulator.writeKey(key, i);
      if (twin.nodeFor(key).name().equals(node)) {
        owned++;
      }
    }
    return (double) owned / keys;
  }

  @Test
  void survivorsKeepTheirKeysSoWhatMovesIsExactlyTheChangedNodesShare() {
    int n = 50;
    int keys = 200_000;
    for (String name : List.of("ring", "rendezvous", "multi-probe")) {
      HashingSimulationResult r = run(name, Map.of(), n, keys);
      assertThat(r.monotonicityViolations()).as(name).isZero();
      List<HashNode> grown = new ArrayList<>(HashingSimulator.nodes(n));
      grown.add(HashNode.of("n" + (n + 1), 1));
      assertThat(r.movedOnAdd()).as("%s: the keys the new node owns", name)
          .isCloseTo(share(name, grown, "n" + (n + 1), keys), within(1e-6));
      List<HashNode> before = HashingSimulator.nodes(n);
      String middle = before.get(n / 2).name();
      double share = share(name, before, middle, keys);
      assertThat(r.optimumOnRemove()).as(name).isCloseTo(share, within(1e-6));
      assertThat(r.movedOnRemove()).as("%s: the keys the removed node owned", name).isCloseTo(share, within(1e-6));
    }
    // Rendezvous moves each key to the new node with probability 1/(N+1): within five standard deviations.
    double p = 1.0 / (n + 1);
    assertThat(run("rendezvous", Map.of(), n, keys).movedOnAdd()).isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / keys)));
  }

  @Test
  void moduloMovesAlmostEveryKeyAndMaglevAndBoundedLoadsPayAMeasuredExtra() {
    HashingSimulationResult modulo = run("modulo", Map.of(), 20, 200_000);
    assertThat(modulo.movedOnAdd()).isCloseTo(20.0 / 21, within(0.01));
    assertThat(modulo.violationsOnAdd()).as("modulo reshuffles between old nodes").isPositive();
    HashingSimulationResult jump = run("jump", Map.of(), 20, 200_000);
    assertThat(jump.violationsOnAdd()).as("jump grows at the end without reshuffling").isZero();
    assertThat(jump.violationsOnRemove()).as("removing a middle bucket renumbers the ones after it").isPositive();
    for (String name : List.of("maglev", "bounded-load")) {
      HashingSimulationResult r = run(name, Map.of(), 50, 200_000);
      assertThat(r.movedOnAdd()).as(name).isGreaterThanOrEqualTo(r.optimumOnAdd() * 0.8).isLessThan(0.1);
      assertThat(r.monotonicityViolations()).as("%s moves some keys between survivors, as its paper says", name)
          .isPositive();
    }
    HashingSimulationResult bounded = run("bounded-load", Map.of("epsilon", "0.1"), 50, 200_000);
    assertThat((double) bounded.maxKeys()).isLessThanOrEqualTo(Math.ceil(1.1 * 200_000 / 50));
    assertThat(bounded.peakToMean()).isLessThanOrEqualTo(1.1 + 1e-9);
  }

  @Test
  void theSeedPicksTheKeysAndTheSameSeedGivesTheSameFigures() {
    HashingSimulationResult a = HashingSimulator.run(strategy("ring"), Map.of(), 10, 50_000, 3);
    HashingSimulationResult b = HashingSimulator.run(strategy("ring"), Map.of(), 10, 50_000, 3);
    HashingSimulationResult c = HashingSimulator.run(strategy("ring"), Map.of(), 10, 50_000, 4);
    assertThat(List.of(a.minKeys(), a.maxKeys(), a.movedOnAdd(), a.movedOnRemove(), a.memoryBytes()))
        .isEqualTo(List.of(b.minKeys(), b.maxKeys(), b.movedOnAdd(), b.movedOnRemove(), b.memoryBytes()));
    assertThat(List.of(c.minKeys(), c.maxKeys())).isNotEqualTo(List.of(a.minKeys(), a.maxKeys()));
  }

  @Test
  void memoryGrowsWithTheStructure() {
    long ring100 = run("ring", Map.of("vnodes", "100"), 100, 1000).memoryBytes();
    long ring1000 = run("ring", Map.of("vnodes", "1000"), 100, 1000).memoryBytes();
    // 100 x 1000 points of a long and an int each: at least 1.2 MB; ten times the points, about ten times the size.
    assertThat(ring1000).isGreaterThan(1_200_000).isGreaterThan(8 * ring100);
    assertThat(run("jump", Map.of(), 100, 1000).memoryBytes()).isLessThan(ring100 / 10);
  }
}
