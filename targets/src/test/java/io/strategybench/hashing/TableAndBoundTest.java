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

  @Test
  void theRingSpreadMatchesLampingAndVeachsFigures() {
    // Lamping and Veach (2014), table 1: the standard error of keys per bucket of a ring with k points per
    // node is about 1/sqrt(k): 10% with 100 points, 3.2% with 1000; jump hash's is far below 1%.
    assertThat(relStdDev("ring", Map.of("vnodes", "100"), 100)).isBetween(0.08, 0.12);
    assertThat(relStdDev("ring", Map.of("vnodes", "1000"), 100)).isBetween(0.025, 0.039);
    assertThat(relStdDev("jump", Map.of(), 100)).isLessThan(0.01);
  }

  private static double relStdDev(String name, Map<String, String> params, int n) {
    ConsistentHash hash = ConsistencyTest.create(name, params);
    List<HashNode> nodes = new ArrayList<>(ConsistencyTest.nodes(n));
    hash.setNodes(nodes);
    Map<HashNode, Integer> counts = new java.util.HashMap<>();
    int keys = 2_000_000;
    for (int i = 0; i < keys; i++) {
      counts.merge(hash.nodeFor(ConsistencyTest.key(i)), 1, Integer::sum);
    }
    double mean = (double) keys / n;
    double variance = 0;
    for (HashNode node : nodes) {
      double d = counts.getOrDefault(node, 0) - mean;
      variance += d * d;
    }
    return Math.sqrt(variance / n) / mean;
  }
}
