package io.strategybench.cache;

import io.strategybench.strategy.Strategy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * ARC, the adaptive replacement cache (Megiddo and Modha, "ARC: A Self-Tuning, Low Overhead Replacement
 * Cache", FAST 2003, Fig. 4). Resident keys seen once are in T1, keys seen at least twice in T2; B1 and B2 are
 * ghosts of keys recently evicted from each. A hit in a ghost list moves the adaptation target {@code p} (the
 * size T1 aims for, a real number) toward the list that would have kept it: by max(1, |B2|/|B1|) up on a B1 hit,
 * by max(1, |B1|/|B2|) down on a B2 hit. Cases I to IV and REPLACE with the "x in B2 and |T1| = p" tie, exactly
 * as in the paper.
 *
 * <p>Sizes are sums of weights, so with unit weights this is the paper's algorithm; with byte weights the
 * lists are measured in bytes and REPLACE repeats until the new key fits. Keys removed by the owner leave
 * space, and REPLACE then evicts only when the cache is full.
 */
@Strategy(name = "arc", summary = "ARC (FAST'03): recency and frequency lists with ghosts, self-tuning target p")
public final class Arc implements CachePolicy {
  private static final int T1 = 1;
  private static final int T2 = 2;
  private static final int B1 = 3;
  private static final int B2 = 4;

  private final long c;
  private final LongMap<Node> index;
  private final NodeList t1 = new NodeList();
  private final NodeList t2 = new NodeList();
  private final NodeList b1 = new NodeList();
  private final NodeList b2 = new NodeList();
  private double p;

  public Arc() {
    this(new CacheSettings());
  }

  public Arc(CacheSettings settings) {
    this.c = settings.capacity;
    this.index = new LongMap<>((int) Math.min(2 * c, 1 << 21));
  }

  @Override
  public long capacity() {
    return c;
  }

  @Override
  public boolean contains(long key) {
    Node node = index.get(key);
    return node != null && node.freq <= T2;
  }

  /** Case I: a hit in T1 or T2 moves the key to the MRU end of T2. */
  @Override
  public void onHit(long key) {
    Node node = index.get(key);
    if (node == null || node.freq > T2) {
      return;
    }
    node.list.remove(node);
    node.freq = T2;
    t2.addLast(node);
  }

  @Override
  public boolean onInsert(long key, long weight, LongConsumer evicted) {
    if (weight > c) {
      return false;
    }
    Node ghost = index.get(key);
    if (ghost != null && ghost.freq == B1) {
      // Case II: adapt toward recency
      double delta = b1.weight() >= b2.weight() ? 1 : (double) b2.weight() / b1.weight();
      p = Math.min(c, p + delta * weight);
      b1.remove(ghost);
      index.remove(key);
      replace(false, weight, evicted);
    } else if (ghost != null && ghost.freq == B2) {
      // Case III: adapt toward frequency
      double delta = b2.weight() >= b1.weight() ? 1 : (double) b1.weight() / b2.weight();
      p = Math.max(0, p - delta * weight);
      b2.remove(ghost);
      index.remove(key);
      replace(true, weight, evicted);
    } else {
      // Case IV: a key in no list
      long l1 = t1.weight() + b1.weight();
      if (l1 + weight > c) {
        // Case A: L1 is full
        if (t1.weight() + weight <= c) {
          while (!b1.isEmpty() && t1.weight() + b1.weight() + weight > c) {
            forget(b1);
          }
          replace(false, weight, evicted);
        } else {
          while (!t1.isEmpty() && t1.weight() + t2.weight() + weight > c) {
            Node victim = t1.pollFirst();
            index.remove(victim.key);
            evicted.accept(victim.key);
          }
          // ghosts of B1 go too, so that L1 stays within c
          while (!b1.isEmpty() && t1.weight() + b1.weight() + weight > c) {
            forget(b1);
          }
          replace(false, weight, evicted);
        }
      } else {
        // Case B: L1 has room
        long total = l1 + t2.weight() + b2.weight();
        if (total + weight > c) {
          while (!b2.isEmpty() && t1.weight() + t2.weight() + b1.weight() + b2.weight() + weight > 2 * c) {
            forget(b2);
          }
          replace(false, weight, evicted);
        }
      }
      Node node = new Node(key, weight);
      node.freq = T1;
      t1.addLast(node);
      index.put(key, node);
      return true;
    }
    Node node = new Node(key, weight);
    node.freq = T2;
    t2.addLast(node);
    index.put(key, node);
    return true;
  }

  /**
   * REPLACE(x, p): evicts the LRU key of T1 into B1 when T1 is over its target (or at it, for a key that was
   * in B2), else the LRU key of T2 into B2; repeated until the new key fits in the cache.
   */
  private void replace(boolean inB2, long weight, LongConsumer evicted) {
    while (t1.weight() + t2.weight() + weight > c && !(t1.isEmpty() && t2.isEmpty())) {
      boolean fromT1 = !t1.isEmpty() && ((inB2 && t1.weight() == p) || t1.weight() > p || t2.isEmpty());
      Node victim = (fromT1 ? t1 : t2).pollFirst();
      victim.freq = fromT1 ? B1 : B2;
      (fromT1 ? b1 : b2).addLast(victim);
      evicted.accept(victim.key);
    }
  }

  private void forget(NodeList ghosts) {
    Node oldest = ghosts.pollFirst();
    index.remove(oldest.key);
  }

  @Override
  public void onRemove(long key) {
    Node node = index.get(key);
    if (node != null && node.freq <= T2) {
      node.list.remove(node);
      index.remove(key);
    }
  }

  @Override
  public int size() {
    return t1.size() + t2.size();
  }

  @Override
  public long weightedSize() {
    return t1.weight() + t2.weight();
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p", Math.round(p * 1000) / 1000.0);
    m.put("t1", t1.weight());
    m.put("t2", t2.weight());
    m.put("b1", b1.weight());
    m.put("b2", b2.weight());
    return m;
  }
}
