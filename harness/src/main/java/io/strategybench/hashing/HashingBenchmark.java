package io.strategybench.hashing;

import io.strategybench.run.JmhDefaults;
import io.strategybench.family.FamilyModules;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a consistent hash costs: {@code lookup} is one key to its node, key hashing included (xxHash64 of
 * eight bytes, each strategy's default); {@code build} is building the whole structure (ring, table) for
 * {@code nodes} nodes. The strategy is a {@code @Param} resolved through the registry, so plugins are
 * measured too.
 */
@State(Scope.Benchmark)
public class HashingBenchmark extends JmhDefaults {
  static final int KEYS = 4096;

  @Param({"ring"})
  public String strategy;

  @Param({"10", "100", "1000"})
  public int nodes;

  ConsistentHash hash;
  List<HashNode> nodeList;
  final byte[][] keys = new byte[KEYS][8];

  @Setup
  public void setup() {
    hash = create(strategy);
    nodeList = HashingSimulator.nodes(nodes);
    hash.setNodes(nodeList);
    for (int i = 0; i < KEYS; i++) {
      HashingSimulator.writeKey(keys[i], i);
    }
  }

  static ConsistentHash create(String strategy) {
    StrategyRegistry registry = FamilyModules.fromHome().registry();
    return registry.strategy(ConsistentHash.FAMILY, strategy).create(Map.of(), StrategyContext.system());
  }

  /** One caller's position in the key set. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  /** Each caller builds its own instance: setNodes never runs concurrently with itself (the SPI's rule). */
  @State(Scope.Thread)
  public static class Builder {
    ConsistentHash hash;

    @Setup
    public void setup(HashingBenchmark benchmark) {
      hash = create(benchmark.strategy);
    }
  }

  @Benchmark
  public HashNode lookup(Cursor cursor) {
    return hash.nodeFor(keys[cursor.next++ & (KEYS - 1)]);
  }

  @Benchmark
  public ConsistentHash build(Builder builder) {
    builder.hash.setNodes(nodeList);
    return builder.hash;
  }
}
