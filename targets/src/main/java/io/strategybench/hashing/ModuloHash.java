package io.strategybench.hashing;

import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * Modulo hashing: {@code hash(key) mod N}. Perfectly even for many keys, and the cautionary tale of the
 * seed material: when N changes, about N/(N+1) of the keys move. Weights are ignored.
 */
@Strategy(name = "modulo", summary = "hash(key) mod N; moves almost every key when N changes")
public final class ModuloHash implements ConsistentHash {
  private final HashFunction hash;
  private volatile HashNode[] nodes = new HashNode[0];

  public ModuloHash() {
    this(new HashSettings());
  }

  public ModuloHash(HashSettings settings) {
    this.hash = settings.hash;
  }

  @Override
  public void setNodes(List<? extends HashNode> nodes) {
    this.nodes = nodes.toArray(new HashNode[0]);
  }

  @Override
  public HashNode nodeFor(byte[] key) {
    HashNode[] current = nodes;
    return current.length == 0 ? null : current[(int) Long.remainderUnsigned(hash.hash(key), current.length)];
  }
}
