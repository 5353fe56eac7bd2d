package io.strategybench.hashing;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.TestFamilies;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which keys move when a node joins or leaves, strategy by strategy, against what each promises. */
class ConsistencyTest {
  private static final StrategyRegistry REGISTRY = StrategyRegistry.load(TestFamilies.all(), List.of());
  private static final int KEYS = 200_000;

  static ConsistentHash create(String name, Map<String, String> params) {
    return REGISTRY.strategy(ConsistentHash.FAMILY, name).create(params, StrategyContext.system());
  }

  static List<HashNode> nodes(int n) {
    List<HashNode> nodes = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      nodes.add(HashNode.of("n" + i, 1));
    }
    return nodes;
  }

  static byte[] key(int i) {
    return ByteBuffer.allocate(8).putLong(i * 0x9E3779B97F4A7C15L).array();
  }

  /** The node of each key. */
  static HashNode[] assign(ConsistentHash hash, List<HashNode> nodes) {
    hash.setNodes(nodes);
    if (hash instanceof BoundedLoadHash bounded) {
      bounded.resetLoads();
    }
    HashNode[] owners = new HashNode[KEYS];
    for (int i = 0; i < KEYS; i++) {
      owners[i] = hash.nodeFor(key(i));
      hash.placed(owners[i]);
    }
    return owners;
  }

  @Test
  void ringRendezvousAndMultiProbeMoveNoKeyBetweenSurvivingNodes() {
    for (String name : List.of("ring", "rendezvous", "multi-probe")) {
      for (int n : new int[] {3, 10, 50}) {
        List<HashNode> nodes = nodes(n);
        ConsistentHash hash = create(name, Map.of());
        HashNode[] before = assign(hash, nodes);
        HashNode added = HashNode.of("n" + (n + 1), 1);
        List<HashNode> grown = new ArrayList<>(nodes);
        grown.add(added);
        HashNode[] afterAdd = assign(hash, grown);
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
          if (afterAdd[i] != before[i]) {
            assertThat(afterAdd[i]).as("%s, %d nodes: a key moved only to the new node", name, n).isSameAs(added);
            moved++;
          }
        }
        assertThat((double) moved / KEYS).as("%s moved on add", name).isBetween(0.3 / (n + 1), 3.0 / (n + 1));
        HashNode removed = nodes.get(n / 2);
        List<HashNode> shrunk = new ArrayList<>(nodes);
        shrunk.remove(removed);
        HashNode[] afterRemove = assign(hash, shrunk);
        for (int i = 0; i < KEYS; i++) {
          if (before[i] != removed) {
            assertThat(afterRemove[i]).as("%s, %d nodes: keys of surviving nodes stay", name, n).isSameAs(before[i]);
          } else {
            assertThat(afterRemove[i]).isNotSameAs(removed);
          }
        }
      }
    }
  }

  @Test
  void jumpMovesNoKeyBetweenSurvivingNodesWhenTheLastNodeChanges() {
    ConsistentHash jump = create("jump", Map.of());
    List<HashNode> nodes = nodes(20);
    HashNode[] before = assign(jump, nodes);
    List<HashNode> grown = new ArrayList<>(nodes);
    grown.add(HashNode.of("n21", 1));
    HashNode[] afterAdd = assign(jump, grown);
    HashNode[] afterRemoveLast = assign(jump, nodes.subList(0, 19));
    for (int i = 0; i < KEYS; i++) {
      assertThat(afterAdd[i] == before[i] || afterAdd[i] == grown.get(20)).isTrue();
      assertThat(before[i] == nodes.get(19) || afterRemoveLast[i] == before[i]).isTrue();
    }
  }

  @Test
  void jumpRemovingAMiddleNodeMovesFarMoreThanItsShare() {
    // Jump can only shrink at the end: taking out node 10 of 20 renumbers nodes 11..20.
    ConsistentHash jump = create("jump", Map.of());
    List<HashNode> nodes = nodes(20);
    HashNode[] before = assign(jump, nodes);
    List<HashNode> shrunk = new ArrayList<>(nodes);
    shrunk.remove(9);
    HashNode[] after = assign(jump, shrunk);
    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      if (after[i] != before[i]) {
        moved++;
      }
    }
    assertThat((double) moved / KEYS).isGreaterThan(0.3);
  }

  @Test
  void moduloMovesAboutNOverNPlusOneOfTheKeys() {
    for (int n : new int[] {4, 9, 49}) {
      ConsistentHash modulo = create("modulo", Map.of());
      HashNode[] before = assign(modulo, nodes(n));
      HashNode[] after = assign(modulo, nodes(n + 1));
      int moved = 0;
      for (int i = 0; i < KEYS; i++) {
        if (!after[i].name().equals(before[i].name())) {
          moved++;
        }
      }
      assertThat((double) moved / KEYS).as("%d nodes", n).isCloseTo((double) n / (n + 1),
          org.assertj.core.data.Offset.offset(0.01));
    }
  }

  @Test
  void maglevAndBoundedLoadsMoveLittleMoreThanTheMinimum() {
    for (String name : List.of("maglev", "bounded-load")) {
      int n = 20;
      ConsistentHash hash = create(name, Map.of());
      HashNode[] before = assign(hash, nodes(n));
      List<HashNode> grown = new ArrayList<>(nodes(n));
      grown.add(HashNode.of("n" + (n + 1), 1));
      // New node objects with the same names: compare by name.
      HashNode[] after = assign(hash, grown);
      int moved = 0;
      for (int i = 0; i < KEYS; i++) {
        if (!after[i].name().equals(before[i].name())) {
          moved++;
        }
      }
      double fraction = (double) moved / KEYS;
      assertThat(fraction).as("%s moved on add (optimum %.3f)", name, 1.0 / (n + 1))
          .isGreaterThanOrEqualTo(0.9 / (n + 1)).isLessThan(4.0 / (n + 1));
    }
  }
}
