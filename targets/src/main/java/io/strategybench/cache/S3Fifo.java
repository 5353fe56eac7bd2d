package io.strategybench.cache;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * S3-FIFO (Yang et al., "FIFO queues are all you need for cache eviction", SOSP 2023), as libCacheSim's
 * {@code S3FIFO.c} implements it: a small FIFO (10% of the capacity) that new keys enter, a main FIFO (the rest)
 * run as a CLOCK with a 2-bit counter, and a ghost FIFO (90% of the capacity) remembering keys recently evicted
 * from the small queue.
 *
 * <ul>
 *   <li>a hit adds one to the key's count; nothing moves;
 *   <li>a miss whose key is a ghost enters the main queue; otherwise the small one (the main one while the small
 *       queue is full and nothing was evicted yet);
 *   <li>eviction takes from the main queue when it is over its share or the small one is empty, else from the
 *       small one: its oldest key moves to the main queue if it was hit at least {@code move-to-main-threshold}
 *       times (2), else is evicted and remembered as a ghost;
 *   <li>the main queue's oldest key goes round again with its count (capped at 3) less one while the count is
 *       positive, else is evicted.
 * </ul>
 *
 * Quick demotion: most new keys are used once and leave through the small queue without disturbing the main
 * one.
 */
@Strategy(name = "s3-fifo", summary = "S3-FIFO (SOSP'23): small FIFO, main FIFO with 2-bit CLOCK, ghost FIFO")
public final class S3Fifo implements CachePolicy {
  /** S3-FIFO's parameters, libCacheSim's defaults. */
  public static final class Settings extends CacheSettings {
    @Setting(description = "share of the capacity the small FIFO holds", min = 0.01, max = 0.9)
    public double smallRatio = 0.10;

    @Setting(description = "ghost FIFO's size as a share of the capacity", min = 0, max = 4)
    public double ghostRatio = 0.90;

    @Setting(description = "hits in the small FIFO that move a key to the main FIFO", min = 1, max = 16)
    public int moveToMainThreshold = 2;
  }

  private final long capacity;
  private final long smallSize;
  private final long mainSize;
  private final long ghostSize;
  private final int threshold;
  private final LongMap<Node> index;
  private final LongMap<Node> ghosts;
  private final NodeList small = new NodeList();
  private final NodeList main = new NodeList();
  private final NodeList ghost = new NodeList();
  private boolean hasEvicted;
  private long movedToMain;
  private long ghostHits;

  public S3Fifo() {
    this(new Settings());
  }

  public S3Fifo(Settings settings) {
    this.capacity = settings.capacity;
    // libCacheSim truncates the small share and gives the main queue the rest
    this.smallSize = Math.max(1, (long) (capacity * settings.smallRatio));
    this.mainSize = capacity - smallSize;
    this.ghostSize = (long) (capacity * settings.ghostRatio);
    this.threshold = settings.moveToMainThreshold;
    int expected = (int) Math.min(capacity, 1 << 20);
    this.index = new LongMap<>(expected);
    this.ghosts = new LongMap<>(Math.max(4, (int) Math.min(ghostSize, 1 << 20)));
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public boolean contains(long key) {
    return index.get(key) != null;
  }

  @Override
  public void onHit(long key) {
    Node node = index.get(key);
    if (node != null) {
      node.freq++;
    }
  }

  @Override
  public boolean onInsert(long key, long weight, LongConsumer evicted) {
    Node ghostNode = ghosts.remove(key);
    boolean ghostHit = ghostNode != null;
    if (ghostHit) {
      ghost.remove(ghostNode);
      ghostHits++;
    }
    // A key as large as the small queue would flush it; libCacheSim refuses it (unless it returns as a ghost).
    if (weight > capacity || (!ghostHit && weight >= smallSize)) {
      return false;
    }
    while (small.weight() + main.weight() + weight > capacity) {
      evict(evicted);
    }
    Node node = new Node(key, weight);
    if (ghostHit || (!hasEvicted && small.weight() >= smallSize)) {
      main.addLast(node);
    } else {
      small.addLast(node);
    }
    index.put(key, node);
    return true;
  }

  private void evict(LongConsumer evicted) {
    hasEvicted = true;
    if (main.weight() > mainSize || small.isEmpty()) {
      evictMain(evicted);
    } else {
      evictSmall(evicted);
    }
  }

  private void evictSmall(LongConsumer evicted) {
    while (!small.isEmpty()) {
      Node node = small.pollFirst();
      if (node.freq >= threshold) {
        node.freq = 0;
        main.addLast(node);
        movedToMain++;
        continue;
      }
      index.remove(node.key);
      remember(node.key, node.weight);
      evicted.accept(node.key);
      return;
    }
  }

  private void evictMain(LongConsumer evicted) {
    while (!main.isEmpty()) {
      Node node = main.pollFirst();
      if (node.freq >= 1) {
        node.freq = Math.min(node.freq, 3) - 1;
        main.addLast(node);
        continue;
      }
      index.remove(node.key);
      evicted.accept(node.key);
      return;
    }
  }

  private void remember(long key, long weight) {
    if (ghostSize <= 0 || ghosts.get(key) != null) {
      return;
    }
    while (!ghost.isEmpty() && ghost.weight() + weight > ghostSize) {
      ghosts.remove(ghost.pollFirst().key);
    }
    if (weight <= ghostSize) {
      Node node = new Node(key, weight);
      ghost.addLast(node);
      ghosts.put(key, node);
    }
  }

  @Override
  public void onRemove(long key) {
    Node node = index.remove(key);
    if (node != null) {
      node.list.remove(node);
    }
  }

  @Override
  public int size() {
    return small.size() + main.size();
  }

  @Override
  public long weightedSize() {
    return small.weight() + main.weight();
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("smallEntries", small.size());
    m.put("mainEntries", main.size());
    m.put("ghostEntries", ghost.size());
    m.put("movedToMain", movedToMain);
    m.put("ghostHits", ghostHits);
    return m;
  }
}
