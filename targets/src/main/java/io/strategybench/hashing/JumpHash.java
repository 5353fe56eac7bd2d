package io.strategybench.hashing;

import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm", 2014): no
 * structure at all, O(ln N) arithmetic per lookup, and a near-perfect spread. Nodes are buckets 0..N-1 in
 * list order, so it can only grow or shrink at the end: adding or removing the last node moves the
 * minimum, 1/(N+1) or 1/N of the keys, but removing a node in the middle renumbers every node after it and
 * moves their keys too (the simulator reports how many). Weights are ignored.
 */
@Strategy(name = "jump", summary = "jump consistent hash (Lamping & Veach); grows and shrinks only at the end",
    characteristics = ConsistentHash.JUMP_CONSISTENT_HASH)
public final class JumpHash implements ConsistentHash {
  private final HashFunction hash;
  private volatile HashNode[] nodes = new HashNode[0];

  public JumpHash() {
    this(new HashSettings());
  }

  public JumpHash(HashSettings settings) {
    this.hash = settings.hash;
  }

  /** The algorithm of the paper: the bucket in {@code [0, buckets)} of a 64-bit key. */
  public static int bucket(long key, int buckets) {
    long b = -1;
    long j = 0;
    while (j < buckets) {
      b = j;
      key = key * 2862933555777941757L + 1;
      j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
    }
    return (int) b;
  }

  @Override
  public void setNodes(List<? extends HashNode> nodes) {
    this.nodes = nodes.toArray(new HashNode[0]);
  }

  @Override
  public HashNode nodeFor(byte[] key) {
    HashNode[] current = nodes;
    return current.length == 0 ? null : current[bucket(hash.hash(key), current.length)];
  }
}
