package io.strategybench.hashing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.strategy.InvalidParameterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableAndBoundTest {
  @Test
  void maglevGivesEachNodeItsShareOfTheTableUpToRounding() {
    for (int n : new int[] {3, 7, 100, 1000}) {
      MaglevHash maglev = (MaglevHash) ConsistencyTest.create("maglev", Map.of());
      maglev.setNodes(ConsistencyTest.nodes(n));
      int[] entries = maglev.entriesPerNode();
      int floor = 65_537 / n;
      for (int e : entries) {
        assertThat(e).as("%d nodes", n).isBetween(floor, floor + 1);
      }
    }
  }

  @Test
  void weightedMaglevSharesTheTableInProportionToWeight() {
    List<HashNode> nodes = List.of(HashNode.of("a", 1), HashNode.of("b", 2), HashNode.of("c", 5), HashNode.of("d", 2));
    MaglevHash maglev = (MaglevHash) ConsistencyTest.create("maglev", Map.of("table-size", "10007"));
    maglev.setNodes(nodes);
    int[] entries = maglev.entriesPerNode();
    for (int i = 0; i < nodes.size(); i++) {
      double expected = 10_007.0 * nodes.get(i).weight() / 10;
      assertThat((double) entries[i]).as(nodes.get(i).name()).isCloseTo(expected,
          org.assertj.core.data.Offset.offset(5.0));
    }
  }

  @Test
  void weightedRingRendezvousAndBoundedLoadsPlaceKeysInProportionToWeight() {
    List<HashNode> nodes = List.of(HashNode.of("a", 1), HashNode.of("b", 2), HashNode.of("c", 5), HashNode.of("d", 2));
    // Rendezvous is exact in expectation: sampling noise only. The ring with 1,000 points per unit of weight
    // spreads about 1/sqrt(1000 w) around each share. Bounded loads caps each node at (1 + eps) x its share.
    Map<String, Double> tolerance = Map.of("rendezvous", 0.03, "ring", 0.12, "bounded-load", 0.12);
    Map<String, Map<String, String>> params = Map.of("rendezvous", Map.of(), "ring", Map.of("vnodes", "1000"),
        "bounded-load", Map.of("vnodes", "1000"));
    for (String name : List.of("rendezvous", "ring", "bounded-load")) {
      HashNode[] owners = ConsistencyTest.assign(ConsistencyTest.create(name, params.get(name)), nodes);
      Map<HashNode, Integer> counts = new java.util.HashMap<>();
      for (HashNode owner : owners) {
        counts.merge(owner, 1, Integer::sum);
      }
      for (HashNode node : nodes) {
        double expected = (double) owners.length * node.weight() / 10;
        assertThat((double) counts.getOrDefault(node, 0)).as("%s, node %s of weight %d", name, node.name(),
            node.weight()).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(
                tolerance.get(name) * 100));
      }
    }
  }

  @Test
  void maglevRejectsATableThatIsNotPrimeOrTooSmall() {
    assertThatThrownBy(() -> ConsistencyTest.create("maglev", Map.of("table-size", "65536")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("'table-size'").hasMessageContaining("must be a prime").hasMessageContaining("65536");
    ConsistentHash small = ConsistencyTest.create("maglev", Map.of("table-size", "7"));
    assertThatThrownBy(() -> small.setNodes(ConsistencyTest.nodes(10)))
        .hasMessageContaining("'table-size'").hasMessageContaining("(7) must be at least the number of nodes (10)");
  }

  @Test
  void boundedLoadsNeverPutMoreThanTheBoundOnANode() {
    for (double epsilon : new double[] {0.05, 0.25, 1.0}) {
      for (int n : new int[] {3, 10, 100}) {
        ConsistentHash bounded = ConsistencyTest.create("bounded-load", Map.of("epsilon", String.valueOf(epsilon)));
        List<HashNode> nodes = ConsistencyTest.nodes(n);
        HashNode[] owners = ConsistencyTest.assign(bounded, nodes);
        Map<HashNode, Integer> counts = new java.util.HashMap<>();
        for (HashNode o : owners) {
          counts.merge(o, 1, Integer::sum);
        }
        long bound = (long) Math.ceil((1 + epsilon) * owners.length / n);
        assertThat(counts.values()).as("epsilon %s, %d nodes", epsilon, n).allSatisfy(c -> assertThat(c)
            .isLessThanOrEqualTo((int) bound));
      }
    }
  }

  @Test
  void parametersOutOfRangeAreNamed() {
    assertThatThrownBy(() -> ConsistencyTest.create("ring", Map.of("vnodes", "0")))
        .hasMessageContaining("parameter 'vnodes' of hashing strategy 'ring' must be in 1..10000, got 0");
    assertThatThrownBy(() -> ConsistencyTest.create("ring", Map.of("hash", "crc32")))
        .hasMessageContaining("'crc32' is not one of xxhash64|murmur3|md5|sha1");
    assertThatThrownBy(() -> ConsistencyTest.create("bounded-load", Map.of("epsilon", "0")))
        .hasMessageContaining("'epsilon'").hasMessageContaining("0.01..10");
  }
}
