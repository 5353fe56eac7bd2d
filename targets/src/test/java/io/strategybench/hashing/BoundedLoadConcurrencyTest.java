package io.strategybench.hashing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BoundedLoadConcurrencyTest {
  /**
   * A router's use: lookups place and release load on several threads while nodes join and leave. Once
   * every placed load is released, the total the bound is computed from must be back at zero, whatever
   * interleaving happened; an update lost while a node change sums the loads would leave it off until the
   * next change.
   */
  @Test
  void theTotalLoadStaysExactWhileNodesChangeUnderTraffic() throws Exception {
    // Many nodes with one point each: a node change sums many loads, a wide window for a lost update.
    BoundedLoadHash hash = (BoundedLoadHash) ConsistencyTest.create("bounded-load", Map.of("vnodes", "1"));
    List<HashNode> base = ConsistencyTest.nodes(2000);
    HashNode extra = HashNode.of("n2001", 1);
    hash.setNodes(base);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch started = new CountDownLatch(3);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int seed = t;
        workers.add(pool.submit(() -> {
          started.countDown();
          List<HashNode> held = new ArrayList<>();
          int i = seed * 1_000_000;
          while (!stop.get() || !held.isEmpty()) {
            if (!stop.get() && held.size() < 16) {
              HashNode node = hash.nodeFor(ConsistencyTest.key(i++));
              hash.placed(node);
              held.add(node);
            } else {
              hash.released(held.remove(held.size() - 1));
            }
          }
        }));
      }
      started.await();
      for (int change = 0; change < 1_500; change++) {
        List<HashNode> nodes = new ArrayList<>(base);
        if (change % 2 == 0) {
          nodes.add(extra);
        } else {
          nodes.remove(change % base.size());
        }
        hash.setNodes(nodes);
      }
      stop.set(true);
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdownNow();
    }
    // Every load was released, and no node change has resynchronized the total since the last one.
    assertThat(hash.totalLoad()).isZero();
    hash.setNodes(base);
    // and the bound still works from a clean total
    HashNode[] owners = ConsistencyTest.assign(hash, base);
    Map<HashNode, Integer> counts = new java.util.HashMap<>();
    for (HashNode owner : owners) {
      counts.merge(owner, 1, Integer::sum);
    }
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(
        (int) Math.ceil(1.25 * owners.length / base.size())));
  }
}
