package io.strategybench.hashing;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, "Consistent Hashing with
 * Bounded Loads", SODA 2018; HAProxy's {@code hash-balance-factor}, Envoy's {@code hash_balance_factor}): a
 * ring with virtual nodes where no node may hold more than {@code (1 + epsilon)} times the average load; a
 * key whose node is full walks on to the next node with room. Loads are what callers report through
 * {@link #placed} and {@link #released}: keys placed in a simulation, requests in flight in a router. The
 * bound costs some extra movement when the set changes, which the paper quantifies and the simulator
 * measures.
 */
@Strategy(name = "bounded-load", summary = "ring where no node exceeds (1+epsilon) x the average load (Mirrokni et al.)")
public final class BoundedLoadHash implements ConsistentHash {
  /** Parameters of {@link BoundedLoadHash}. */
  public static class Settings extends HashSettings {
    @Setting(description = "points on the ring per node (per unit of weight)", min = 1, max = 10_000)
    public int vnodes = 100;

    @Setting(description = "load allowed above the average, as a fraction (0.25: 25% above)", min = 0.01, max = 10)
    public double epsilon = 0.25;
  }

  private static final class State {
    final Ring ring;
    final AtomicInteger[] loads;
    final Map<HashNode, AtomicInteger> byNode = new IdentityHashMap<>();
    final double totalWeight;

    State(Ring ring, State previous) {
      this.ring = ring;
      this.loads = new AtomicInteger[ring.nodes.length];
      double weights = 0;
      for (int i = 0; i < loads.length; i++) {
        AtomicInteger carried = previous == null ? null : previous.byNode.get(ring.nodes[i]);
        loads[i] = carried != null ? carried : new AtomicInteger();
        byNode.put(ring.nodes[i], loads[i]);
        weights += Math.max(1, ring.nodes[i].weight());
      }
      this.totalWeight = weights;
    }
  }

  private final HashFunction hash;
  private final int vnodes;
  private final double epsilon;
  private final AtomicLong total = new AtomicLong();
  private volatile State state = new State(Ring.EMPTY, null);

  public BoundedLoadHash() {
    this(new Settings());
  }

  public BoundedLoadHash(Settings settings) {
    this.hash = settings.hash;
    this.vnodes = settings.vnodes;
    this.epsilon = settings.epsilon;
  }

  /**
   * Loads change under this object's lock, so the total stays the exact sum of the current nodes' loads
   * while nodes come and go during traffic; lookups read them without it.
   */
  @Override
  public synchronized void setNodes(List<? extends HashNode> nodes) {
    State next = new State(Ring.build(nodes, hash, vnodes), state);
    long kept = 0;
    for (AtomicInteger load : next.loads) {
      kept += load.get();
    }
    total.set(kept); // loads of removed nodes leave the total
    state = next;
  }

  @Override
  public HashNode nodeFor(byte[] key) {
    State s = state;
    Ring r = s.ring;
    if (r.isEmpty()) {
      return null;
    }
    // The load after placing this key, spread by weight, times (1 + epsilon), rounded up.
    double perWeight = (1 + epsilon) * (total.get() + 1) / s.totalWeight;
    int start = r.successor(hash.hash(key));
    int n = r.points.length;
    for (int i = 0; i < n; i++) {
      int owner = r.owners[(start + i) % n];
      long capacity = (long) Math.ceil(perWeight * Math.max(1, r.nodes[owner].weight()) - 1e-9);
      if (s.loads[owner].get() < capacity) {
        return r.nodes[owner];
      }
    }
    return r.nodes[r.owners[start]]; // every node at its bound (only under races): the plain ring's answer
  }

  @Override
  public synchronized void placed(HashNode node) {
    AtomicInteger load = state.byNode.get(node);
    if (load != null) {
      load.incrementAndGet();
      total.incrementAndGet();
    }
  }

  /** A node removed since its load was placed no longer counts: its load left the total with it. */
  @Override
  public synchronized void released(HashNode node) {
    AtomicInteger load = state.byNode.get(node);
    if (load != null && load.get() > 0) {
      load.decrementAndGet();
      total.decrementAndGet();
    }
  }

  /** The load placed on the current nodes, as the bound sees it. */
  public long totalLoad() {
    return total.get();
  }

  /** Forgets all loads (a new simulation pass). */
  public synchronized void resetLoads() {
    for (AtomicInteger load : state.loads) {
      load.set(0);
    }
    total.set(0);
  }
}
