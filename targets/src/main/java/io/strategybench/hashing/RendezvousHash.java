package io.strategybench.hashing;

import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * Rendezvous or highest-random-weight hashing (Thaler and Ravishankar, 1996): every node scores every key
 * and the highest score wins, so removing a node moves exactly its keys and adding one takes exactly what it
 * wins; no structure to build, O(N) per lookup. The score mixes the key's hash with the node's. Weighted
 * nodes use the logarithmic method (Schindelhauer and Schomaker, 2005): score = weight / -ln(u), u uniform in
 * (0, 1], which gives each node a share proportional to its weight.
 */
@Strategy(name = "rendezvous", summary = "highest random weight: every node scores the key, the best wins")
public final class RendezvousHash implements ConsistentHash {
  private static final class Table {
    final HashNode[] nodes;
    final long[] seeds;
    final double[] weights;
    final boolean weighted;

    Table(List<? extends HashNode> list, HashFunction hash) {
      nodes = list.toArray(new HashNode[0]);
      seeds = new long[nodes.length];
      weights = new double[nodes.length];
      boolean anyWeight = false;
      for (int i = 0; i < nodes.length; i++) {
        seeds[i] = hash.hash(nodes[i].name());
        weights[i] = Math.max(1, nodes[i].weight());
        anyWeight |= nodes[i].weight() != nodes[0].weight();
      }
      weighted = anyWeight;
    }
  }

  private final HashFunction hash;
  private volatile Table table;

  public RendezvousHash() {
    this(new HashSettings());
  }

  public RendezvousHash(HashSettings settings) {
    this.hash = settings.hash;
    this.table = new Table(List.of(), hash);
  }

  @Override
  public void setNodes(List<? extends HashNode> nodes) {
    table = new Table(nodes, hash);
  }

  @Override
  public HashNode nodeFor(byte[] key) {
    Table t = table;
    if (t.nodes.length == 0) {
      return null;
    }
    long k = hash.hash(key);
    int best = 0;
    if (!t.weighted) {
      long bestScore = Long.MIN_VALUE;
      for (int i = 0; i < t.nodes.length; i++) {
        long score = HashFunction.mix(k ^ t.seeds[i]) ^ Long.MIN_VALUE; // compare unsigned
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
    } else {
      double bestScore = -1;
      for (int i = 0; i < t.nodes.length; i++) {
        double u = ((HashFunction.mix(k ^ t.seeds[i]) >>> 11) + 1) * 0x1.0p-53; // (0, 1]
        double score = u == 1.0 ? Double.POSITIVE_INFINITY : t.weights[i] / -Math.log(u);
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
    }
    return t.nodes[best];
  }
}
