package io.strategybench.cache;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * W-TinyLFU (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission Policy", ACM ToS 2017),
 * the policy Caffeine runs: a small window LRU that new keys enter, a main segmented LRU (probation and
 * protected) that holds the rest, and an admission filter between them. A key leaving the window is a
 * candidate for the main region; it gets in only if a count-min sketch of recent popularity
 * ({@link FrequencySketch}) rates it above the victim the main region would give up (probation's LRU key).
 * Hits move a key up: to the window's MRU end, or from probation to protected.
 *
 * <p>The window starts at {@code window} (1%) of the capacity. With {@code adaptive}, capacity moves between
 * the window and the protected segment once the cache has filled, after every sample of ten times the capacity
 * in requests, toward the region whose keys earned more hits each: hits per entry in the window against hits
 * per entry in probation, the segment that gives up or takes the capacity. The move is the step times the log
 * of that ratio (at most twice the step); the step restarts at 6.25% of the capacity when the sample's hit ratio
 * moved by 5 points and decays by 2% otherwise. Recency-heavy traffic (a file server's) grows the window,
 * frequency-heavy traffic and loops shrink it. Caffeine 3.3 steers its window by such hit densities too; its
 * first climber (Einziger et al., "Adaptive Software Cache Management", Middleware 2018) followed the hit ratio
 * alone, which on the small caches of the LIRS traces mostly follows noise.
 *
 * <p>A candidate at least as popular as 6 that loses is still admitted 1 time in 128 (deterministic here),
 * Caffeine's defence against a flood of colliding keys.
 */
@Strategy(name = "w-tinylfu", summary = "W-TinyLFU: window LRU + count-min-sketch admission + segmented LRU, hill-climbed")
public final class WTinyLfu implements CachePolicy {
  /** W-TinyLFU's parameters, Caffeine's defaults. */
  public static final class Settings extends CacheSettings {
    @Setting(description = "share of the capacity the window LRU starts with", min = 0, max = 1)
    public double window = 0.01;

    @Setting(description = "share of the main region the protected segment may hold", min = 0, max = 1)
    public double protectedShare = 0.80;

    @Setting(description = "move capacity between window and main with a hill climber")
    public boolean adaptive = true;
  }

  private static final int WINDOW = 1;
  private static final int PROBATION = 2;
  private static final int PROTECTED = 3;
  private static final double RESTART_THRESHOLD = 0.05;
  private static final double STEP_PERCENT = 0.0625;
  private static final double STEP_DECAY = 0.98;
  private static final double MIN_STEP = 2;
  private static final double MAX_STRIDE = 2;
  private static final int TRANSFER_LIMIT = 1000;
  private static final int HASH_DOS_THRESHOLD = 6;

  private final long capacity;
  private final boolean adaptive;
  private final LongMap<Node> index;
  private final NodeList window = new NodeList();
  private final NodeList probation = new NodeList();
  private final NodeList protect = new NodeList();
  private final FrequencySketch sketch;
  private long windowMax;
  private long protectedMax;
  private long random = 0x9E3779B97F4A7C15L;

  // hill climber
  private int hitsInSample;
  private int missesInSample;
  private double previousHitRate;
  private double stepSize;
  private long adjustments;
  private boolean filled;
  private long windowHits;
  private long probationHits;

  public WTinyLfu() {
    this(new Settings());
  }

  public WTinyLfu(Settings settings) {
    this.capacity = settings.capacity;
    this.adaptive = settings.adaptive;
    this.windowMax = capacity - (long) ((1 - settings.window) * capacity);
    this.protectedMax = (long) (settings.protectedShare * (capacity - windowMax));
    this.stepSize = restartStep();
    this.sketch = new FrequencySketch(capacity);
    this.index = new LongMap<>((int) Math.min(capacity, 1 << 20));
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
    if (node == null) {
      return;
    }
    sketch.increment(key);
    hitsInSample++;
    switch (node.freq) {
      case WINDOW -> {
        windowHits++;
        window.moveToLast(node);
      }
      case PROBATION -> {
        probationHits++;
        probation.remove(node);
        node.freq = PROTECTED;
        protect.addLast(node);
        demoteFromProtected();
      }
      default -> protect.moveToLast(node);
    }
    climb();
  }

  @Override
  public boolean onInsert(long key, long weight, LongConsumer evicted) {
    sketch.increment(key);
    missesInSample++;
    if (weight > capacity) {
      climb();
      return false;
    }
    Node node = new Node(key, weight);
    node.freq = WINDOW;
    window.addLast(node);
    index.put(key, node);
    boolean[] self = {false};
    LongConsumer report = victim -> {
      if (victim == key) {
        self[0] = true;
      }
      evicted.accept(victim);
    };
    evictFromMain(evictFromWindow(), report);
    climb();
    return !self[0];
  }

  /** Moves the window's overflow, oldest first, to probation's MRU end: the candidates. */
  private int evictFromWindow() {
    int candidates = 0;
    while (window.weight() > windowMax && !window.isEmpty()) {
      Node node = window.pollFirst();
      node.freq = PROBATION;
      probation.addLast(node);
      candidates++;
    }
    return candidates;
  }

  /**
   * While over capacity, the newest candidate duels the main region's victim (probation's LRU key, else
   * protected's, else the window's); the less popular one is evicted.
   */
  private void evictFromMain(int candidates, LongConsumer evicted) {
    Node victim = probation.first();
    int victimQueue = PROBATION;
    Node candidate = candidates > 0 ? probation.last() : null;
    while (weightedSize() > capacity) {
      if (candidates <= 0) {
        candidate = null;
      }
      if (victim == null && candidate == null) {
        if (victimQueue == PROBATION) {
          victim = protect.first();
          victimQueue = PROTECTED;
          continue;
        }
        if (victimQueue == PROTECTED) {
          victim = window.first();
          victimQueue = WINDOW;
          continue;
        }
        break;
      }
      if (victim == null || candidate == victim) {
        // only a candidate is left, or both point at the same key: it goes
        Node evict = candidate;
        if (victim != null) {
          victim = victim.next;
        }
        candidate = candidate.prev;
        candidates--;
        evict(evict, evicted);
        continue;
      }
      if (candidate == null) {
        Node evict = victim;
        victim = victim.next;
        evict(evict, evicted);
        continue;
      }
      candidates--;
      if (admit(candidate.key, victim.key)) {
        Node evict = victim;
        victim = victim.next;
        evict(evict, evicted); // first: the victim may be the node just before the candidate
        candidate = candidate.prev;
      } else {
        Node evict = candidate;
        candidate = candidate.prev;
        evict(evict, evicted);
      }
    }
  }

  private boolean admit(long candidate, long victim) {
    int victimFreq = sketch.frequency(victim);
    int candidateFreq = sketch.frequency(candidate);
    if (candidateFreq > victimFreq) {
      return true;
    }
    if (candidateFreq >= HASH_DOS_THRESHOLD) {
      random ^= random << 13;
      random ^= random >>> 7;
      random ^= random << 17;
      return (random & 127) == 0;
    }
    return false;
  }

  private void evict(Node node, LongConsumer evicted) {
    filled = true;
    node.list.remove(node);
    index.remove(node.key);
    evicted.accept(node.key);
  }

  private void demoteFromProtected() {
    while (protect.weight() > protectedMax && !protect.isEmpty()) {
      Node node = protect.pollFirst();
      node.freq = PROBATION;
      probation.addLast(node);
    }
  }

  /**
   * After a full sample, moves capacity toward the window when its keys earned more hits each than
   * probation's, away from it when fewer.
   */
  private void climb() {
    if (!adaptive) {
      return;
    }
    if (!filled) {
      // samples taken while the cache fills measure the filling
      hitsInSample = 0;
      missesInSample = 0;
      windowHits = 0;
      probationHits = 0;
      return;
    }
    int requests = hitsInSample + missesInSample;
    if (requests < sketch.sampleSize()) {
      return;
    }
    double hitRate = (double) hitsInSample / requests;
    double windowDensity = (double) windowHits / Math.max(1, window.weight());
    double probationDensity = (double) probationHits / Math.max(1, probation.weight());
    double signal = Math.log((windowDensity + 1e-9) / (probationDensity + 1e-9));
    long adjustment = (long) (Math.abs(stepSize) * Math.max(-MAX_STRIDE, Math.min(MAX_STRIDE, signal)));
    stepSize = Math.abs(hitRate - previousHitRate) >= RESTART_THRESHOLD ? restartStep()
        : STEP_DECAY * Math.abs(stepSize);
    previousHitRate = hitRate;
    hitsInSample = 0;
    missesInSample = 0;
    windowHits = 0;
    probationHits = 0;
    if (adjustment > 0) {
      increaseWindow(adjustment);
    } else if (adjustment < 0) {
      decreaseWindow(-adjustment);
    }
  }

  private double restartStep() {
    return Math.max(STEP_PERCENT * capacity, MIN_STEP);
  }

  private void increaseWindow(long adjustment) {
    if (protectedMax == 0) {
      return;
    }
    long quota = Math.min(adjustment, protectedMax);
    protectedMax -= quota;
    windowMax += quota;
    demoteFromProtected();
    for (int i = 0; i < TRANSFER_LIMIT; i++) {
      Node candidate = probation.first();
      boolean fromProbation = true;
      if (candidate == null || quota < candidate.weight) {
        candidate = protect.first();
        fromProbation = false;
      }
      if (candidate == null || quota < candidate.weight) {
        break;
      }
      quota -= candidate.weight;
      (fromProbation ? probation : protect).remove(candidate);
      candidate.freq = WINDOW;
      window.addLast(candidate);
    }
    protectedMax += quota;
    windowMax -= quota;
    adjustments++;
  }

  private void decreaseWindow(long adjustment) {
    if (windowMax <= 1) {
      return;
    }
    long quota = Math.min(adjustment, Math.max(0, windowMax - 1));
    protectedMax += quota;
    windowMax -= quota;
    for (int i = 0; i < TRANSFER_LIMIT; i++) {
      Node candidate = window.first();
      if (candidate == null || quota < candidate.weight) {
        break;
      }
      quota -= candidate.weight;
      window.remove(candidate);
      candidate.freq = PROBATION;
      probation.addLast(candidate);
    }
    protectedMax -= quota;
    windowMax += quota;
    adjustments++;
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
    return window.size() + probation.size() + protect.size();
  }

  @Override
  public long weightedSize() {
    return window.weight() + probation.weight() + protect.weight();
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("windowMax", windowMax);
    m.put("protectedMax", protectedMax);
    m.put("windowAdjustments", adjustments);
    m.put("sketchResets", sketch.resets());
    return m;
  }
}
