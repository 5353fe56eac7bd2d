package io.strategybench.cache;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** The cache stage's counters, and its reads and hits per second since the last reset. */
final class CacheCounters {
  private static final int TIMELINE_SECONDS = 3600;

  final LongAdder reads = new LongAdder();
  final LongAdder hits = new LongAdder();
  final LongAdder staleServed = new LongAdder();
  final LongAdder negativeHits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder expired = new LongAdder();
  final LongAdder staleReads = new LongAdder();
  final LongAdder notFound = new LongAdder();
  final LongAdder notModified = new LongAdder();
  final LongAdder bloomRejected = new LongAdder();
  final LongAdder coalesced = new LongAdder();
  final LongAdder earlyRefreshes = new LongAdder();
  final LongAdder backgroundRefreshes = new LongAdder();
  final LongAdder droppedFills = new LongAdder();
  final LongAdder shedReads = new LongAdder();
  final LongAdder writes = new LongAdder();
  final LongAdder shedWrites = new LongAdder();
  final LongAdder watchedRequests = new LongAdder();
  final LongAdder watchedOriginReads = new LongAdder();
  private final AtomicLongArray readsBySecond = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicLongArray hitsBySecond = new AtomicLongArray(TIMELINE_SECONDS);
  private volatile long epochNanos = System.nanoTime();

  /** The second of the timeline {@code nowNanos} falls in. */
  int second(long nowNanos) {
    long s = (nowNanos - epochNanos) / 1_000_000_000L;
    return (int) Math.min(Math.max(s, 0), TIMELINE_SECONDS - 1);
  }

  void read(int second) {
    reads.increment();
    readsBySecond.incrementAndGet(second);
  }

  void hit(int second, boolean negative) {
    hits.increment();
    hitsBySecond.incrementAndGet(second);
    if (negative) {
      negativeHits.increment();
    }
  }

  /** The read-path counters, in the order {@code /_/stats} has always shown them. */
  void putReads(Map<String, Object> out) {
    long readCount = reads.sum();
    out.put("reads", readCount);
    out.put("hits", hits.sum());
    out.put("hitRatio", readCount == 0 ? 0.0 : round((double) hits.sum() / readCount));
    out.put("misses", misses.sum());
    out.put("expired", expired.sum());
    out.put("staleServed", staleServed.sum());
    out.put("negativeHits", negativeHits.sum());
    out.put("notFound", notFound.sum());
    out.put("notModified", notModified.sum());
    out.put("bloomRejected", bloomRejected.sum());
    out.put("coalesced", coalesced.sum());
    out.put("earlyRefreshes", earlyRefreshes.sum());
    out.put("backgroundRefreshes", backgroundRefreshes.sum());
    out.put("droppedFills", droppedFills.sum());
  }

  void putStaleness(Map<String, Object> out) {
    long readCount = reads.sum();
    out.put("staleReads", staleReads.sum());
    out.put("staleReadRatio", readCount == 0 ? 0.0 : round((double) staleReads.sum() / readCount));
    out.put("writes", writes.sum());
    out.put("shedReads", shedReads.sum());
    out.put("shedWrites", shedWrites.sum());
  }

  Map<String, Object> watched(long key) {
    Map<String, Object> watched = new LinkedHashMap<>();
    watched.put("key", key);
    watched.put("requests", watchedRequests.sum());
    watched.put("originReads", watchedOriginReads.sum());
    return watched;
  }

  /** Reads and hits per second, since the last reset. */
  Map<String, Object> perSecond() {
    int seconds = Math.min(second(System.nanoTime()) + 1, TIMELINE_SECONDS);
    List<Long> readSeries = new ArrayList<>();
    List<Long> hitSeries = new ArrayList<>();
    for (int i = 0; i < seconds; i++) {
      readSeries.add(readsBySecond.get(i));
      hitSeries.add(hitsBySecond.get(i));
    }
    Map<String, Object> series = new LinkedHashMap<>();
    series.put("reads", readSeries);
    series.put("hits", hitSeries);
    return series;
  }

  void reset() {
    epochNanos = System.nanoTime(); // first: a request counted while the arrays are cleared goes to second 0
    for (int i = 0; i < TIMELINE_SECONDS; i++) {
      readsBySecond.set(i, 0);
      hitsBySecond.set(i, 0);
    }
    for (LongAdder a : List.of(reads, hits, staleServed, negativeHits, misses, expired, staleReads, notFound,
        notModified, bloomRejected, coalesced, earlyRefreshes, backgroundRefreshes, droppedFills, shedReads, writes,
        shedWrites, watchedRequests, watchedOriginReads)) {
      a.reset();
    }
  }

  static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }
}
