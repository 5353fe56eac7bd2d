package io.strategybench.cache;

import io.strategybench.strategy.Strategy;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Belady's optimal replacement (Belady, "A study of replacement algorithms for a virtual-storage computer",
 * IBM Systems Journal 1966; Mattson et al. 1970): every miss is inserted, and the victim is the resident key
 * whose next request lies farthest in the future, keys never requested again first. No real cache can run it,
 * since it reads the future from the trace; it is the upper bound on the hit ratio at a capacity, drawn on top
 * of every hit-ratio chart. With byte weights it evicts farthest first until the key fits, a heuristic (the
 * optimum with sizes is NP-hard).
 */
@Strategy(name = "opt", summary = "Belady's optimum (clairvoyant): evict the key used farthest in the future; simulate only")
public final class Opt implements ClairvoyantPolicy {
  private final long capacity;
  private final LongMap<long[]> resident;
  /** Next use to key; never-again keys get distinct positions above every real one. */
  private final TreeMap<Long, Long> byNextUse = new TreeMap<>();
  private long never = ClairvoyantPolicy.NEVER;
  private long next = ClairvoyantPolicy.NEVER;
  private long weight;

  public Opt() {
    this(new CacheSettings());
  }

  public Opt(CacheSettings settings) {
    this.capacity = settings.capacity;
    this.resident = new LongMap<>((int) Math.min(capacity, 1 << 20));
  }

  @Override
  public void nextAccess(long position) {
    this.next = position;
  }

  private long nextUse() {
    return next == ClairvoyantPolicy.NEVER ? never-- : next;
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public boolean contains(long key) {
    return resident.get(key) != null;
  }

  @Override
  public void onHit(long key) {
    long[] state = resident.get(key);
    if (state != null) {
      byNextUse.remove(state[0]);
      state[0] = nextUse();
      byNextUse.put(state[0], key);
    }
  }

  @Override
  public boolean onInsert(long key, long weight, LongConsumer evicted) {
    if (weight > capacity) {
      return false;
    }
    while (this.weight + weight > capacity) {
      var farthest = byNextUse.pollLastEntry();
      long victim = farthest.getValue();
      this.weight -= resident.remove(victim)[1];
      evicted.accept(victim);
    }
    long[] state = {nextUse(), weight};
    resident.put(key, state);
    byNextUse.put(state[0], key);
    this.weight += weight;
    return true;
  }

  @Override
  public void onRemove(long key) {
    long[] state = resident.remove(key);
    if (state != null) {
      byNextUse.remove(state[0]);
      weight -= state[1];
    }
  }

  @Override
  public int size() {
    return resident.size();
  }

  @Override
  public long weightedSize() {
    return weight;
  }
}
