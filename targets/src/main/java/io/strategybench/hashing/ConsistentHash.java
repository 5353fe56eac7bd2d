package io.strategybench.hashing;

import io.strategybench.strategy.Family;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Maps each key to one of a set of nodes, so that changing the set moves as few keys as possible: the
 * routing of a sharded cache or store. Every strategy hashes keys and nodes with the {@link HashFunction}
 * of its {@code hash} parameter.
 *
 * <p>Threading: {@code nodeFor}, {@code placed} and {@code released} may be called concurrently;
 * {@code setNodes} may run concurrently with them but never with itself. Keep the built structure in one
 * volatile snapshot. Nodes keep their identity across {@code setNodes} calls.
 */
public interface ConsistentHash {
  /** The consistent-hashing family. */
  Family<ConsistentHash> FAMILY = new Family<>("hashing", ConsistentHash.class, "Consistent hashing",
      "which node owns each key");

  /**
   * {@link io.strategybench.strategy.Strategy#characteristics() Characteristic}: computes Lamping and Veach's jump
   * consistent hash, as Guava's {@code Hashing.consistentHash} does, so the two are compared for speed.
   */
  String JUMP_CONSISTENT_HASH = "jump-consistent-hash";

  /**
   * Replaces the nodes, in a stable order, and builds whatever structure the strategy looks keys up in.
   *
   * @throws io.strategybench.strategy.InvalidParameterException when the nodes do not fit the parameters
   *     (a Maglev table smaller than the node count)
   */
  void setNodes(List<? extends HashNode> nodes);

  /** The node that owns {@code key}, or {@code null} when there are no nodes. */
  HashNode nodeFor(byte[] key);

  /** The node that owns the UTF-8 bytes of {@code key}. */
  default HashNode nodeFor(String key) {
    return nodeFor(key.getBytes(StandardCharsets.UTF_8));
  }

  /** A key (or request) was placed on {@code node}: load-aware strategies count it. */
  default void placed(HashNode node) {}

  /** A key (or request) left {@code node}. */
  default void released(HashNode node) {}
}
