package io.strategybench.hashing;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * The hash ring with virtual nodes (Karger et al., "Consistent Hashing and Random Trees", 1997; ketama):
 * each node appears at {@code vnodes x weight} points on a circle, a key belongs to the first point at or
 * after its hash. Adding or removing a node moves only the keys of its arcs. The spread improves with the
 * number of points: the relative standard deviation of keys per node is about 1/sqrt(vnodes).
 */
@Strategy(name = "ring", summary = "hash ring with virtual nodes (Karger et al.; ketama)")
public final class RingHash implements ConsistentHash {
  /** Parameters of {@link RingHash}. */
  public static class Settings extends HashSettings {
    @Setting(description = "points on the ring per node (per unit of weight)", min = 1, max = 10_000)
    public int vnodes = 100;
  }

  private final HashFunction hash;
  private final int vnodes;
  private volatile Ring ring = Ring.EMPTY;

  public RingHash() {
    this(new Settings());
  }

  public RingHash(Settings settings) {
    this.hash = settings.hash;
    this.vnodes = settings.vnodes;
  }

  @Override
  public void setNodes(List<? extends HashNode> nodes) {
    ring = Ring.build(nodes, hash, vnodes);
  }

  @Override
  public HashNode nodeFor(byte[] key) {
    Ring r = ring;
    if (r.isEmpty()) {
      return null;
    }
    return r.nodes[r.owners[r.successor(hash.hash(key))]];
  }
}
