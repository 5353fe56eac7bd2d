package io.strategybench.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Oracles for the cache policies: naive twins (a list scanned on every request, obviously correct and slow)
 * replayed request by request beside FIFO, LRU, LFU, CLOCK, SIEVE, OPT and ARC; and properties every policy
 * must keep on random weighted traces (capacity, size, residency, removal, late hits, refusal).
 */
class PolicyTwinTest {
  private static final int DISTINCT = 200;
  private static final int LENGTH = 20_000;
  private static final long[] TWIN_SEEDS = {1, 2, 3, 4, 5, 6};

  // ---------------------------------------------------------------------------------------------------------
  // traces

  /** The keys requests are drawn from: 0, -1, 1, the extremes, then arbitrary longs (negative ones included). */
  private static final long[] UNIVERSE = universe();

  private static long[] universe() {
    Set<Long> keys = new LinkedHashSet<>(List.of(0L, Long.MIN_VALUE, Long.MAX_VALUE, -1L, 1L));
    SplittableRandom random = new SplittableRandom(0xCAFE);
    while (keys.size() < DISTINCT) {
      keys.add(random.nextLong());
    }
    return keys.stream().mapToLong(Long::longValue).toArray();
  }

  /** A key's weight, fixed per key: 1 to 5, from a hash of the key. */
  private static long weightOf(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    return 1 + Math.floorMod(h, 5);
  }

  private static long weight(long key, boolean weighted) {
    return weighted ? weightOf(key) : 1;
  }

  /**
   * A skewed trace over {@link #UNIVERSE}: by {@code seed % 3}, a Zipf(0.9) popularity; a Zipf whose hot set
   * moves every 5,000 requests; or a loop over three quarters of the keys mixed with Zipf requests.
   */
  private static long[] trace(long seed, int length) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] cdf = new double[DISTINCT];
    double sum = 0;
    for (int r = 0; r < DISTINCT; r++) {
      sum += 1 / Math.pow(r + 1, 0.9);
      cdf[r] = sum;
    }
    int kind = (int) (seed % 3);
    int offset = 0;
    int loop = 0;
    long[] trace = new long[length];
    for (int i = 0; i < length; i++) {
      if (kind == 1 && i % 5_000 == 0) {
        offset = random.nextInt(DISTINCT);
      }
      int rank;
      if (kind == 2 && random.nextInt(10) < 6) {
        rank = loop++ % (DISTINCT * 3 / 4);
      } else {
        int z = Arrays.binarySearch(cdf, random.nextDouble() * sum);
        rank = ((z < 0 ? -z - 1 : z) + offset) % DISTINCT;
      }
      trace[i] = UNIVERSE[rank];
    }
    return trace;
  }

  /** For each position, the position of the next request for the same key, or {@link ClairvoyantPolicy#NEVER}. */
  private static long[] nextAccess(long[] trace) {
    long[] next = new long[trace.length];
    Map<Long, Integer> seen = new HashMap<>();
    for (int i = trace.length - 1; i >= 0; i--) {
      Integer later = seen.put(trace[i], i);
      next[i] = later == null ? ClairvoyantPolicy.NEVER : later;
    }
    return next;
  }

  // ---------------------------------------------------------------------------------------------------------
  // the policies

  private static CacheSettings settings(long capacity) {
    CacheSettings s = new CacheSettings();
    s.capacity = capacity;
    return s;
  }

  private static CachePolicy policy(String name, long capacity) {
    return switch (name) {
      case "fifo" -> new Fifo(settings(capacity));
      case "lru" -> new Lru(settings(capacity));
      case "lfu" -> new Lfu(settings(capacity));
      case "clock" -> new ClockPolicy(settings(capacity));
      case "sieve" -> new Sieve(settings(capacity));
      case "arc" -> new Arc(settings(capacity));
      case "opt" -> new Opt(settings(capacity));
      case "caffeine" -> new CaffeinePolicy(settings(capacity));
      case "s3-fifo" -> {
        S3Fifo.Settings s = new S3Fifo.Settings();
        s.capacity = capacity;
        yield new S3Fifo(s);
      }
      case "w-tinylfu", "w-tinylfu-fixed" -> {
        WTinyLfu.Settings s = new WTinyLfu.Settings();
        s.capacity = capacity;
        s.adaptive = name.equals("w-tinylfu");
        yield new WTinyLfu(s);
      }
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static final List<String> ALL = List.of("fifo", "lru", "lfu", "clock", "sieve", "s3-fifo", "arc",
      "w-tinylfu", "w-tinylfu-fixed", "opt", "caffeine");
  /** Caffeine admits a popular loser at random (ThreadLocalRandom), so two runs of it may differ. */
  private static final List<String> DETERMINISTIC = ALL.stream().filter(n -> !n.equals("caffeine")).toList();
  private static final long[] PROPERTY_CAPACITIES = {1, 7, 50, 120, 300};

  static Stream<Arguments> everyPolicyAndCapacity() {
    return combinations(ALL);
  }

  static Stream<Arguments> everyDeterministicPolicyAndCapacity() {
    return combinations(DETERMINISTIC);
  }

  private static Stream<Arguments> combinations(List<String> names) {
    return names.stream().flatMap(n -> Arrays.stream(PROPERTY_CAPACITIES).mapToObj(c -> Arguments.of(n, c)));
  }

  // ---------------------------------------------------------------------------------------------------------
  // naive twins

  /** One request to a twin: whether it hit, and the keys it evicted into {@code evicted}. */
  private interface Twin {
    boolean access(int position, long key, long weight, long nextUse, List<Long> evicted);
  }

  private static final class Entry {
    final long key;
    final long weight;
    boolean bit;
    long count;
    long lastUse;
    long nextUse;

    Entry(long key, long weight) {
      this.key = key;
      this.weight = weight;
    }
  }

  /**
   * A list of resident entries, oldest (or least recently moved) first, scanned linearly. A miss evicts victims
   * until the key fits, then appends it; a key heavier than the capacity is refused.
   */
  private abstract static class ListTwin implements Twin {
    final long capacity;
    final List<Entry> entries = new ArrayList<>();
    long used;

    ListTwin(long capacity) {
      this.capacity = capacity;
    }

    @Override
    public boolean access(int position, long key, long weight, long nextUse, List<Long> evicted) {
      for (Entry e : entries) {
        if (e.key == key) {
          hit(e, position, nextUse);
          return true;
        }
      }
      if (weight > capacity) {
        return false;
      }
      while (used + weight > capacity) {
        int v = victim();
        Entry gone = entries.remove(v);
        used -= gone.weight;
        evicted.add(gone.key);
        evictedAt(v);
      }
      Entry e = new Entry(key, weight);
      e.count = 1;
      e.lastUse = position;
      e.nextUse = nextUse;
      entries.add(e);
      used += weight;
      return false;
    }

    abstract void hit(Entry e, int position, long nextUse);

    /** The index of the next victim; may reorder the list first. */
    abstract int victim();

    void evictedAt(int index) {}

    void moveToEnd(Entry e) {
      entries.remove(e);
      entries.add(e);
    }
  }

  /** FIFO: evict the earliest inserted; a hit does nothing. */
  private static final class FifoTwin extends ListTwin {
    FifoTwin(long capacity) {
      super(capacity);
    }

    @Override
    void hit(Entry e, int position, long nextUse) {}

    @Override
    int victim() {
      return 0;
    }
  }

  /** LRU: a hit moves the key to the end; evict the front. */
  private static final class LruTwin extends ListTwin {
    LruTwin(long capacity) {
      super(capacity);
    }

    @Override
    void hit(Entry e, int position, long nextUse) {
      moveToEnd(e);
    }

    @Override
    int victim() {
      return 0;
    }
  }

  /** LFU: evict the fewest accesses, ties to the least recently used; count 1 on insert, +1 a hit. */
  private static final class LfuTwin extends ListTwin {
    LfuTwin(long capacity) {
      super(capacity);
    }

    @Override
    void hit(Entry e, int position, long nextUse) {
      e.count++;
      e.lastUse = position;
    }

    @Override
    int victim() {
      int best = 0;
      for (int i = 1; i < entries.size(); i++) {
        Entry e = entries.get(i);
        Entry b = entries.get(best);
        if (e.count < b.count || (e.count == b.count && e.lastUse < b.lastUse)) {
          best = i;
        }
      }
      return best;
    }
  }

  /**
   * CLOCK: the front is the hand; new keys enter unreferenced at the end; a hit sets the bit; the hand clears a
   * set bit and moves that key to the end, and evicts the first key whose bit is clear.
   */
  private static final class ClockTwin extends ListTwin {
    ClockTwin(long capacity) {
      super(capacity);
    }

    @Override
    void hit(Entry e, int position, long nextUse) {
      e.bit = true;
    }

    @Override
    int victim() {
      while (entries.get(0).bit) {
        Entry e = entries.get(0);
        e.bit = false;
        moveToEnd(e);
      }
      return 0;
    }
  }

  /**
   * SIEVE: index 0 is the tail (oldest), the end the head where new keys enter unvisited; a hit sets visited.
   * The hand walks from the tail toward the head clearing visited bits, wrapping to the tail, and evicts the
   * first unvisited key; it stays on the next newer key (or goes back to the tail when there is none).
   */
  private static final class SieveTwin extends ListTwin {
    /** Index of the hand; -1 for the tail. */
    int hand = -1;

    SieveTwin(long capacity) {
      super(capacity);
    }

    @Override
    void hit(Entry e, int position, long nextUse) {
      e.bit = true;
    }

    @Override
    int victim() {
      int i = hand < 0 ? 0 : hand;
      while (entries.get(i).bit) {
        entries.get(i).bit = false;
        i = i + 1 < entries.size() ? i + 1 : 0;
      }
      return i;
    }

    @Override
    void evictedAt(int index) {
      // the entry after the evicted one slid into its index
      hand = index < entries.size() ? index : -1;
    }
  }

  /**
   * Belady's OPT: every miss is inserted; evict the resident whose next use is farthest, never-again keys first
   * (among those, the one last used earliest).
   */
  private static final class OptTwin extends ListTwin {
    OptTwin(long capacity) {
      super(capacity);
    }

    @Override
    void hit(Entry e, int position, long nextUse) {
      e.nextUse = nextUse;
      e.lastUse = position;
    }

    @Override
    int victim() {
      int best = 0;
      for (int i = 1; i < entries.size(); i++) {
        Entry e = entries.get(i);
        Entry b = entries.get(best);
        if (e.nextUse > b.nextUse || (e.nextUse == b.nextUse && e.lastUse < b.lastUse)) {
          best = i;
        }
      }
      return best;
    }
  }

  /**
   * ARC exactly as Fig. 4 of Megiddo and Modha (FAST 2003), with unit weights: four lists of keys, LRU first.
   */
  private static final class ArcTwin implements Twin {
    final int c;
    double p;
    final List<Long> t1 = new ArrayList<>();
    final List<Long> t2 = new ArrayList<>();
    final List<Long> b1 = new ArrayList<>();
    final List<Long> b2 = new ArrayList<>();

    ArcTwin(long capacity) {
      this.c = (int) capacity;
    }

    @Override
    public boolean access(int position, long key, long weight, long nextUse, List<Long> evicted) {
      assertThat(weight).isEqualTo(1);
      Long x = key;
      if (t1.contains(x) || t2.contains(x)) { // Case I
        t1.remove(x);
        t2.remove(x);
        t2.add(x);
        return true;
      }
      if (b1.contains(x)) { // Case II
        p = Math.min(c, p + (b1.size() >= b2.size() ? 1 : (double) b2.size() / b1.size()));
        replace(false, evicted);
        b1.remove(x);
        t2.add(x);
        return false;
      }
      if (b2.contains(x)) { // Case III
        p = Math.max(0, p - (b2.size() >= b1.size() ? 1 : (double) b1.size() / b2.size()));
        replace(true, evicted);
        b2.remove(x);
        t2.add(x);
        return false;
      }
      // Case IV
      if (t1.size() + b1.size() == c) { // A
        if (t1.size() < c) {
          b1.remove(0);
          replace(false, evicted);
        } else {
          evicted.add(t1.remove(0));
        }
      } else { // B: |L1| < c
        int total = t1.size() + t2.size() + b1.size() + b2.size();
        if (total >= c) {
          if (total == 2 * c) {
            b2.remove(0);
          }
          replace(false, evicted);
        }
      }
      t1.add(x);
      return false;
    }

    private void replace(boolean inB2, List<Long> evicted) {
      if (!t1.isEmpty() && ((inB2 && t1.size() == p) || t1.size() > p)) {
        Long k = t1.remove(0);
        b1.add(k);
        evicted.add(k);
      } else {
        assertThat(t2).as("the paper's REPLACE takes from T2 here, so T2 must not be empty").isNotEmpty();
        Long k = t2.remove(0);
        b2.add(k);
        evicted.add(k);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // replaying a policy beside its twin

  private static void replayBesideTwin(String name, long capacity, boolean weighted,
      LongFunction<Twin> twins) {
    for (long seed : TWIN_SEEDS) {
      long[] trace = trace(seed, LENGTH);
      long[] next = nextAccess(trace);
      CachePolicy policy = policy(name, capacity);
      Twin twin = twins.apply(capacity);
      int hits = 0;
      int evictions = 0;
      for (int i = 0; i < trace.length; i++) {
        long key = trace[i];
        long w = weight(key, weighted);
        if (policy instanceof ClairvoyantPolicy clairvoyant) {
          clairvoyant.nextAccess(next[i]);
        }
        List<Long> policyEvicted = new ArrayList<>();
        boolean policyHit = policy.access(key, w, policyEvicted::add);
        List<Long> twinEvicted = new ArrayList<>();
        boolean twinHit = twin.access(i, key, w, next[i], twinEvicted);
        policyEvicted.sort(null);
        twinEvicted.sort(null);
        if (policyHit != twinHit || !policyEvicted.equals(twinEvicted)) {
          fail("%s, %s weights, trace seed %d, capacity %d, request %d (key %d, weight %d): twin hit=%s evicted=%s,"
              + " policy hit=%s evicted=%s", name, weighted ? "1..5" : "unit", seed, capacity, i, key, w, twinHit,
              twinEvicted, policyHit, policyEvicted);
        }
        if (twin instanceof ArcTwin arc) {
          Map<String, Object> stats = policy.stats();
          List<Object> expected = List.of(Math.round(arc.p * 1000) / 1000.0, (long) arc.t1.size(),
              (long) arc.t2.size(), (long) arc.b1.size(), (long) arc.b2.size());
          List<Object> actual = List.of(stats.get("p"), stats.get("t1"), stats.get("t2"), stats.get("b1"),
              stats.get("b2"));
          if (!expected.equals(actual)) {
            fail("arc, trace seed %d, capacity %d, after request %d: twin p, |T1|, |T2|, |B1|, |B2| = %s, policy %s",
                seed, capacity, i, expected, actual);
          }
        }
        hits += twinHit ? 1 : 0;
        evictions += twinEvicted.size();
      }
      // the replay decided something: some hits, and (but at the largest capacities) evictions
      assertThat(hits).as("%s seed %d capacity %d hits", name, seed, capacity).isPositive();
      assertThat(evictions).as("%s seed %d capacity %d evictions", name, seed, capacity).isPositive();
    }
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void fifoMatchesANaiveTwinRequestByRequestWithWeights(long capacity) {
    replayBesideTwin("fifo", capacity, true, FifoTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void fifoMatchesANaiveTwinRequestByRequestWithUnitWeights(long capacity) {
    replayBesideTwin("fifo", capacity, false, FifoTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void lruMatchesANaiveTwinRequestByRequestWithWeights(long capacity) {
    replayBesideTwin("lru", capacity, true, LruTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void lruMatchesANaiveTwinRequestByRequestWithUnitWeights(long capacity) {
    replayBesideTwin("lru", capacity, false, LruTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void lfuMatchesANaiveTwinRequestByRequestWithWeights(long capacity) {
    replayBesideTwin("lfu", capacity, true, LfuTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void lfuMatchesANaiveTwinRequestByRequestWithUnitWeights(long capacity) {
    replayBesideTwin("lfu", capacity, false, LfuTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void clockMatchesANaiveTwinRequestByRequestWithWeights(long capacity) {
    replayBesideTwin("clock", capacity, true, ClockTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void clockMatchesANaiveTwinRequestByRequestWithUnitWeights(long capacity) {
    replayBesideTwin("clock", capacity, false, ClockTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void sieveMatchesANaiveTwinRequestByRequestWithWeights(long capacity) {
    replayBesideTwin("sieve", capacity, true, SieveTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void sieveMatchesANaiveTwinRequestByRequestWithUnitWeights(long capacity) {
    replayBesideTwin("sieve", capacity, false, SieveTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void optMatchesANaiveBeladyTwinRequestByRequestWithWeights(long capacity) {
    replayBesideTwin("opt", capacity, true, OptTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 7, 50, 120})
  void optMatchesANaiveBeladyTwinRequestByRequestWithUnitWeights(long capacity) {
    replayBesideTwin("opt", capacity, false, OptTwin::new);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(longs = {1, 2, 7, 50, 120})
  void arcMatchesThePapersAlgorithmRequestByRequestWithUnitWeights(long capacity) {
    replayBesideTwin("arc", capacity, false, ArcTwin::new);
  }

  @Test
  void arcFollowsAHandWorkedRunOfThePapersCases() {
    // c = 2; the comment after each request is the state after it
    long[] trace = {1, 2, 1, 3, 2, 1, 3, 4, 5, 6, 2, 1};
    boolean[] hit = {false, false, true, false, false, false, false, false, false, false, false, false};
    long[][] evicted = {
        {}, // IV, L1 has room: T1 = 1
        {}, // IV: T1 = 1 2
        {}, // I: T1 = 2, T2 = 1
        {2}, // IV B: REPLACE, |T1| = 1 > p = 0: T1 = 3, T2 = 1, B1 = 2
        {1}, // II: p = 1; REPLACE, |T1| = 1 = p, so from T2: T1 = 3, T2 = 2, B2 = 1
        {3}, // III: p = 0; REPLACE from T1: T2 = 2 1, B1 = 3
        {2}, // II: p = 1; T1 empty, REPLACE from T2: T2 = 1 3, B2 = 2
        {1}, // IV B: REPLACE from T2 (T1 empty): T1 = 4, T2 = 3, B2 = 2 1
        {3}, // IV B, |L1| + |L2| = 2c: forget 2 from B2; REPLACE, |T1| = 1 = p: T1 = 4 5, B2 = 1 3
        {4}, // IV A, |T1| = c: 4 leaves without a ghost: T1 = 5 6, B2 = 1 3
        {5}, // IV (2 was forgotten) A, |T1| = c: T1 = 6 2, B2 = 1 3
        {6}, // III: p = 0; REPLACE from T1: T1 = 2, T2 = 1, B1 = 6, B2 = 3
    };
    double[] p = {0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0};
    CachePolicy arc = policy("arc", 2);
    for (int i = 0; i < trace.length; i++) {
      List<Long> out = new ArrayList<>();
      assertThat(arc.access(trace[i], 1, out::add)).as("request %d hit", i).isEqualTo(hit[i]);
      assertThat(out).as("request %d evicted", i).containsExactly(Arrays.stream(evicted[i]).boxed()
          .toArray(Long[]::new));
      assertThat(arc.stats().get("p")).as("request %d p", i).isEqualTo(p[i]);
    }
    assertThat(arc.stats()).containsEntry("t1", 1L).containsEntry("t2", 1L).containsEntry("b1", 1L)
        .containsEntry("b2", 1L);
    assertThat(arc.contains(2)).isTrue();
    assertThat(arc.contains(1)).isTrue();
    assertThat(arc.contains(6)).isFalse();
    assertThat(arc.size()).isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------------------
  // properties of every policy

  /**
   * A policy beside a model of its resident set, built only from what the policy reported: the keys it evicted
   * and whether it kept each inserted key. Every call is checked against the model.
   */
  private static final class Checked {
    final String name;
    final CachePolicy policy;
    final long capacity;
    final Map<Long, Long> resident = new HashMap<>();
    /** Keys evicted lately, the likeliest to be late-hit or ghosts. */
    final List<Long> recentlyEvicted = new ArrayList<>();
    long residentWeight;
    /** The request last made, and the call made since, if any: for the failure messages. */
    int position = -1;
    long requestKey;
    long requestWeight;
    String since = "";
    /** How many of each interleaved call were made, so a run that made none fails. */
    int removals;
    int absentRemovals;
    int lateHits;
    int heavyInserts;
    int kept;

    Checked(String name, long capacity) {
      this.name = name;
      this.policy = policy(name, capacity);
      this.capacity = capacity;
    }

    private void check(boolean ok, String what, Object... args) {
      if (!ok) {
        fail("%s, capacity %d, %s%s: %s", name, capacity, since,
            position < 0 ? "before any request" : "request " + position + " (key " + requestKey + ", weight "
                + requestWeight + ")", String.format(what, args));
      }
    }

    /** Size, weighted size and capacity agree with the model. */
    void checkCounts() {
      long ws = policy.weightedSize();
      if (ws > policy.capacity() || ws != residentWeight || policy.size() != resident.size()) {
        check(ws <= policy.capacity(), "weightedSize %d > capacity %d", ws, policy.capacity());
        check(ws == residentWeight, "weightedSize %d, but the resident keys weigh %d", ws, residentWeight);
        check(policy.size() == resident.size(), "size %d, but %d keys are resident", policy.size(),
            resident.size());
      }
    }

    private int universeCalls;

    /**
     * contains() holds for exactly the model's keys, over the whole universe: at every call of the first
     * thousand, then at every fourth (the request's own key and every evicted key are checked at every call).
     */
    void checkUniverse() {
      if (++universeCalls > 1000 && (universeCalls & 3) != 0) {
        return;
      }
      for (long k : UNIVERSE) {
        if (policy.contains(k) != resident.containsKey(k)) {
          check(false, "contains(%d) = %s, expected %s", k, policy.contains(k), resident.containsKey(k));
        }
      }
    }

    void access(int position, long key, long weight, long nextUse) {
      this.position = position;
      requestKey = key;
      requestWeight = weight;
      since = "";
      if (policy instanceof ClairvoyantPolicy clairvoyant) {
        clairvoyant.nextAccess(nextUse);
      }
      boolean in = policy.contains(key);
      check(in == resident.containsKey(key), "contains = %s before the request", in);
      if (in) {
        policy.onHit(key);
        check(policy.contains(key), "a hit dropped the key");
        checkCounts();
      } else {
        policy.onMiss(key);
        check(!policy.contains(key), "onMiss made the key resident");
        checkCounts();
        insert(key, weight);
      }
      checkUniverse();
    }

    private void insert(long key, long weight) {
      List<Long> evicted = new ArrayList<>();
      boolean kept = policy.onInsert(key, weight, evicted::add);
      for (long e : evicted) {
        check(resident.containsKey(e) || e == key, "evicted %d, which was not resident (evicted %s)", e, evicted);
        Long w = resident.remove(e);
        if (w != null) {
          residentWeight -= w;
        }
        recentlyEvicted.add(e);
      }
      if (recentlyEvicted.size() > 40) {
        recentlyEvicted.subList(0, recentlyEvicted.size() - 40).clear();
      }
      if (kept) {
        this.kept++;
        check(!evicted.contains(key), "kept the key but reported it evicted");
        resident.put(key, weight);
        residentWeight += weight;
      }
      check(policy.contains(key) == kept, "onInsert returned %s but contains is %s", kept, policy.contains(key));
      checkCounts();
    }

    /** A random resident key, or null. */
    Long anyResident(SplittableRandom random) {
      if (resident.isEmpty()) {
        return null;
      }
      List<Long> keys = new ArrayList<>(resident.keySet());
      keys.sort(null); // HashMap order is not part of the seed
      return keys.get(random.nextInt(keys.size()));
    }

    /** A random key not resident, often one evicted lately. */
    long anyAbsent(SplittableRandom random) {
      while (true) {
        long k = random.nextBoolean() && !recentlyEvicted.isEmpty()
            ? recentlyEvicted.get(random.nextInt(recentlyEvicted.size()))
            : UNIVERSE[random.nextInt(UNIVERSE.length)];
        if (!resident.containsKey(k)) {
          return k;
        }
      }
    }

    void removeResident(long key) {
      since = "onRemove(" + key + ") of a resident key, after ";
      long w = resident.remove(key);
      long before = policy.weightedSize();
      int sizeBefore = policy.size();
      policy.onRemove(key);
      removals++;
      residentWeight -= w;
      check(!policy.contains(key), "still contains the removed key");
      check(policy.weightedSize() == before - w, "weightedSize %d -> %d, expected a drop of %d", before,
          policy.weightedSize(), w);
      check(policy.size() == sizeBefore - 1, "size %d -> %d", sizeBefore, policy.size());
      checkCounts();
      checkUniverse();
    }

    void removeAbsent(long key) {
      since = "onRemove(" + key + ") of a key not resident, after ";
      policy.onRemove(key);
      absentRemovals++;
      check(!policy.contains(key), "contains the key");
      checkCounts();
      checkUniverse();
    }

    void lateHit(long key) {
      since = "onHit(" + key + ") of a key not resident, after ";
      policy.onHit(key);
      lateHits++;
      check(!policy.contains(key), "the late hit resurrected the key");
      checkCounts();
      checkUniverse();
    }

    void insertTooHeavy(long key, long weight) {
      since = "onInsert(" + key + ", " + weight + ") heavier than the capacity, after ";
      List<Long> evicted = new ArrayList<>();
      boolean kept = policy.onInsert(key, weight, evicted::add);
      heavyInserts++;
      check(!kept, "kept a key heavier than the capacity");
      check(!policy.contains(key), "contains a key heavier than the capacity");
      check(evicted.isEmpty() || evicted.equals(List.of(key)), "evicted %s to make room for a key that cannot fit",
          evicted);
      checkCounts();
      checkUniverse();
    }
  }

  /** What a property run interleaves with the trace's requests, each before a request, 1 in {@code n} times. */
  private record Mix(int removeResident, int removeAbsent, int lateHit, int tooHeavy) {
    static final Mix NONE = new Mix(0, 0, 0, 0);
  }

  private static Checked run(String name, long capacity, long seed, boolean weighted, int length, Mix mix) {
    long[] trace = trace(seed, length);
    long[] next = nextAccess(trace);
    Checked c = new Checked(name, capacity);
    SplittableRandom random = new SplittableRandom(seed * 1_000_003 + capacity);
    for (int i = 0; i < trace.length; i++) {
      if (mix.removeResident > 0 && random.nextInt(mix.removeResident) == 0) {
        Long k = c.anyResident(random);
        if (k != null) {
          c.removeResident(k);
        }
      }
      if (mix.removeAbsent > 0 && random.nextInt(mix.removeAbsent) == 0) {
        c.removeAbsent(c.anyAbsent(random));
      }
      if (mix.lateHit > 0 && random.nextInt(mix.lateHit) == 0) {
        c.lateHit(c.anyAbsent(random));
      }
      if (mix.tooHeavy > 0 && random.nextInt(mix.tooHeavy) == 0) {
        c.insertTooHeavy(c.anyAbsent(random), capacity + 1 + random.nextInt(5));
      }
      c.access(i, trace[i], weight(trace[i], weighted), next[i]);
    }
    return c;
  }

  @ParameterizedTest(name = "{0}, capacity {1}")
  @MethodSource("everyPolicyAndCapacity")
  void staysWithinCapacityAndContainsExactlyTheKeysItReportedKeeping(String name, long capacity) {
    for (long seed : new long[] {21, 22, 23}) {
      run(name, capacity, seed, true, LENGTH, Mix.NONE);
    }
    run(name, capacity, 24, false, LENGTH, Mix.NONE);
  }

  @ParameterizedTest(name = "{0}, capacity {1}")
  @MethodSource("everyPolicyAndCapacity")
  void removingAResidentKeyDropsItAndExactlyItsWeight(String name, long capacity) {
    for (long seed : new long[] {31, 32, 33}) {
      Checked c = run(name, capacity, seed, true, 10_000, new Mix(5, 0, 0, 0));
      // S3-FIFO below a capacity of 10 refuses every key (its small queue is 1, as libCacheSim's would be)
      if (c.kept > 0) {
        assertThat(c.removals).as("removals of resident keys made").isPositive();
      }
    }
  }

  @ParameterizedTest(name = "{0}, capacity {1}")
  @MethodSource("everyPolicyAndCapacity")
  void removingAKeyItDoesNotHoldChangesNothing(String name, long capacity) {
    for (long seed : new long[] {41, 42, 43}) {
      assertThat(run(name, capacity, seed, true, 10_000, new Mix(0, 3, 0, 0)).absentRemovals).isPositive();
    }
  }

  @ParameterizedTest(name = "{0}, capacity {1}")
  @MethodSource("everyPolicyAndCapacity")
  void aLateHitOnAKeyItDoesNotHoldDoesNotResurrectIt(String name, long capacity) {
    for (long seed : new long[] {51, 52, 53}) {
      assertThat(run(name, capacity, seed, true, 10_000, new Mix(0, 0, 3, 0)).lateHits).isPositive();
    }
  }

  @ParameterizedTest(name = "{0}, capacity {1}")
  @MethodSource("everyPolicyAndCapacity")
  void refusesAKeyHeavierThanItsCapacityWithoutEvictingAnyOther(String name, long capacity) {
    for (long seed : new long[] {61, 62, 63}) {
      assertThat(run(name, capacity, seed, true, 10_000, new Mix(0, 0, 0, 10)).heavyInserts).isPositive();
    }
  }

  @ParameterizedTest(name = "{0}, capacity {1}")
  @MethodSource("everyPolicyAndCapacity")
  void keepsEveryInvariantUnderAllCallsInterleaved(String name, long capacity) {
    for (long seed : new long[] {71, 72, 73}) {
      run(name, capacity, seed, true, LENGTH, new Mix(20, 10, 10, 50));
    }
    run(name, capacity, 74, false, LENGTH, new Mix(20, 10, 10, 50));
  }

  /**
   * Late hits and removals of keys a policy does not hold must leave its later decisions unchanged: a replay
   * with them interleaved evicts exactly what a replay without them evicts.
   */
  @ParameterizedTest(name = "{0}, capacity {1}")
  @MethodSource("everyDeterministicPolicyAndCapacity")
  void callsForKeysItDoesNotHoldLeaveItsLaterDecisionsUnchanged(String name, long capacity) {
    for (long seed : new long[] {81, 82, 83}) {
      long[] trace = trace(seed, LENGTH);
      long[] next = nextAccess(trace);
      CachePolicy plain = policy(name, capacity);
      CachePolicy disturbed = policy(name, capacity);
      SplittableRandom random = new SplittableRandom(seed);
      List<Long> recentlyEvicted = new ArrayList<>();
      int disturbances = 0;
      for (int i = 0; i < trace.length; i++) {
        for (int j = random.nextInt(3); j > 0; j--) {
          long k = random.nextBoolean() && !recentlyEvicted.isEmpty()
              ? recentlyEvicted.get(random.nextInt(recentlyEvicted.size()))
              : UNIVERSE[random.nextInt(UNIVERSE.length)];
          if (!disturbed.contains(k)) {
            if (random.nextBoolean()) {
              disturbed.onHit(k);
            } else {
              disturbed.onRemove(k);
            }
            disturbances++;
          }
        }
        long w = weightOf(trace[i]);
        if (plain instanceof ClairvoyantPolicy a && disturbed instanceof ClairvoyantPolicy b) {
          a.nextAccess(next[i]);
          b.nextAccess(next[i]);
        }
        List<Long> plainEvicted = new ArrayList<>();
        List<Long> disturbedEvicted = new ArrayList<>();
        boolean plainHit = plain.access(trace[i], w, plainEvicted::add);
        boolean disturbedHit = disturbed.access(trace[i], w, disturbedEvicted::add);
        if (plainHit != disturbedHit || !plainEvicted.equals(disturbedEvicted)) {
          fail("%s, trace seed %d, capacity %d, request %d (key %d): undisturbed hit=%s evicted=%s, with late hits"
              + " and removals of absent keys hit=%s evicted=%s", name, seed, capacity, i, trace[i], plainHit,
              plainEvicted, disturbedHit, disturbedEvicted);
        }
        recentlyEvicted.addAll(plainEvicted);
        if (recentlyEvicted.size() > 40) {
          recentlyEvicted.subList(0, recentlyEvicted.size() - 40).clear();
        }
      }
      assertThat(disturbances).isPositive();
    }
  }

  @Test
  void wTinyLfuEvictsAVictimNextToTheCandidateOnceAndThenTheRefusedCandidate() {
    WTinyLfu.Settings settings = new WTinyLfu.Settings();
    settings.capacity = 7;
    WTinyLfu policy = new WTinyLfu(settings);
    long[][] requests = {{1, 2}, {2, 2}, {2, 2}, {1, 2}, {3, 4}, {4, 1}};
    for (long[] r : requests) {
      policy.access(r[0], r[1], key -> {});
    }
    List<Long> evicted = new ArrayList<>();
    boolean resident = policy.onInsert(3, 4, evicted::add);
    // 3 beats 4 in the first duel; 4 goes once, then 3 itself must go to fit within 7
    assertThat(evicted).containsExactly(4L, 3L);
    assertThat(resident).isFalse();
    assertThat(policy.weightedSize()).isLessThanOrEqualTo(7);
  }
}
