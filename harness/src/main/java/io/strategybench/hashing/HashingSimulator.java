package io.strategybench.hashing;

import io.strategybench.results.ObjectSizes;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyDescriptor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places K keys on N nodes with one strategy and measures what a consistent hash is judged on: the spread of
 * keys over nodes, the keys that move when a node joins (the optimum is 1/(N+1)) and when the middle node
 * leaves (the optimum is its share), keys that move between two nodes that both stayed (a monotonicity
 * violation, which ring, rendezvous, multi-probe and jump at the end never commit), and the cost: lookup
 * time, build time and the structure's memory. Keys are the numbers 0..K-1 spread by a multiplicative hash,
 * eight bytes each; the spread figures are exact for them, the timings are this machine's.
 */
public final class HashingSimulator {
  /** The most nodes a simulation places keys on. */
  public static final int MAX_NODES = 100_000;

  /** The most keys a simulation places (three int arrays of them are held at once). */
  public static final long MAX_KEYS = 100_000_000;

  private HashingSimulator() {}

  /** Why {@code nodes} cannot be simulated, or null when it can. */
  public static String nodesProblem(long nodes) {
    return nodes < 1 || nodes > MAX_NODES ? "must be 1.." + MAX_NODES + ", got " + nodes : null;
  }

  /** Why {@code keys} cannot be simulated, or null when they can. */
  public static String keysProblem(long keys) {
    return keys < 1 || keys > MAX_KEYS ? "must be 1.." + MAX_KEYS + ", got " + keys : null;
  }

  public static HashingSimulationResult run(StrategyDescriptor<ConsistentHash> descriptor, Map<String, String> params,
      int nodeCount, long keyCount) {
    return run(descriptor, params, nodeCount, keyCount, 0);
  }

  /**
   * @param seed picks the key set: keys are the numbers {@code seed x 2^32 + (0..K-1)}, spread
   */
  public static HashingSimulationResult run(StrategyDescriptor<ConsistentHash> descriptor, Map<String, String> params,
      int nodeCount, long keyCount, long seed) {
    if (nodesProblem(nodeCount) != null) {
      throw new IllegalArgumentException("--nodes " + nodesProblem(nodeCount));
    }
    if (keysProblem(keyCount) != null) {
      throw new IllegalArgumentException("--keys " + keysProblem(keyCount));
    }
    int keys = (int) keyCount;
    ConsistentHash hash = descriptor.create(params, StrategyContext.system());
    List<HashNode> nodes = nodes(nodeCount);

    long t0 = System.nanoTime();
    hash.setNodes(nodes);
    double buildMillis = (System.nanoTime() - t0) / 1e6;
    long memory = ObjectSizes.retained(hash);

    Map<HashNode, Integer> index = new IdentityHashMap<>();
    HashNode added = HashNode.of("n" + (nodeCount + 1), 1);
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i), i);
    }
    index.put(added, nodeCount);

    int[] base = assign(hash, keys, index, seed);
    double lookupNanos = lookupNanos(hash, keys, seed);

    long[] counts = new long[nodeCount];
    for (int owner : base) {
      counts[owner]++;
    }
    double mean = (double) keys / nodeCount;
    long max = 0;
    long min = Long.MAX_VALUE;
    double variance = 0;
    for (long c : counts) {
      max = Math.max(max, c);
      min = Math.min(min, c);
      variance += (c - mean) * (c - mean);
    }

    List<HashNode> grown = new ArrayList<>(nodes);
    grown.add(added);
    hash.setNodes(grown);
    int[] afterAdd = assign(hash, keys, index, seed);
    long movedAdd = 0;
    long violationsAdd = 0;
    for (int i = 0; i < keys; i++) {
      if (afterAdd[i] != base[i]) {
        movedAdd++;
        if (afterAdd[i] != nodeCount) {
          violationsAdd++;
        }
      }
    }

    long movedRemove = 0;
    long violationsRemove = 0;
    double optimumOnRemove = 0;
    if (nodeCount > 1) {
      int removed = nodeCount / 2;
      List<HashNode> shrunk = new ArrayList<>(nodes);
      shrunk.remove(removed);
      hash.setNodes(shrunk);
      int[] afterRemove = assign(hash, keys, index, seed);
      for (int i = 0; i < keys; i++) {
        if (afterRemove[i] != base[i]) {
          movedRemove++;
          if (base[i] != removed) {
            violationsRemove++;
          }
        }
      }
      optimumOnRemove = (double) counts[removed] / keys;
    }
    return new HashingSimulationResult(descriptor.name(), params, nodeCount, keyCount, round(max / mean),
        round(Math.sqrt(variance / nodeCount) / mean), round(Math.sqrt((nodeCount - 1.0) / keys)), min, max, round((double) movedAdd / keys),
        round(1.0 / (nodeCount + 1)), round((double) movedRemove / keys), round(optimumOnRemove), violationsAdd, violationsRemove,
        violationsAdd + violationsRemove,
        Math.round(lookupNanos * 10) / 10.0, Math.round(buildMillis * 1000) / 1000.0, memory);
  }

  /**
   * Mean time of {@code nodeFor} alone over up to a million of the keys, after the placement pass above
   * warmed it up; the keys are written beforehand, so only the lookup is timed.
   */
  private static double lookupNanos(ConsistentHash hash, int keys, long seed) {
    int n = Math.min(keys, 1_000_000);
    byte[][] sample = new byte[Math.min(n, 4096)][8];
    for (int i = 0; i < sample.length; i++) {
      writeKey(sample[i], (seed << 32) + i);
    }
    int sink = 0;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      HashNode node = hash.nodeFor(sample[i % sample.length]);
      sink += node == null ? 0 : 1;
    }
    double nanos = (double) (System.nanoTime() - start) / n;
    if (sink < 0) {
      throw new AssertionError(); // keeps the loop from being optimized away
    }
    return nanos;
  }

  /** Node {@code i} of each key, placing them in order (load-aware strategies count each placement). */
  private static int[] assign(ConsistentHash hash, int keys, Map<HashNode, Integer> index, long seed) {
    if (hash instanceof BoundedLoadHash bounded) {
      bounded.resetLoads();
    }
    int[] owners = new int[keys];
    byte[] key = new byte[8];
    for (int i = 0; i < keys; i++) {
      writeKey(key, (seed << 32) + i);
      HashNode node = hash.nodeFor(key);
      hash.placed(node);
      owners[i] = index.get(node);
    }
    return owners;
  }

  /** Key {@code i}: the number spread by a multiplicative hash, eight bytes big-endian. */
  static void writeKey(byte[] key, long i) {
    long v = i * 0x9E3779B97F4A7C15L;
    for (int b = 7; b >= 0; b--) {
      key[b] = (byte) v;
      v >>>= 8;
    }
  }

  static List<HashNode> nodes(int count) {
    List<HashNode> nodes = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      nodes.add(HashNode.of("n" + i, 1));
    }
    return nodes;
  }

  private static double round(double value) {
    return Math.round(value * 1_000_000.0) / 1_000_000.0;
  }
}
