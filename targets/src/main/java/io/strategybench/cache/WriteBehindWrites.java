package io.strategybench.cache;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.strategybench.server.Exchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-behind: a write updates the cache and is acknowledged at once; the origin gets it later, batched, every
 * flush interval. A crash before a flush loses every acknowledged write since the last one, which is counted.
 */
final class WriteBehindWrites extends Writes {
  private static final Logger log = LoggerFactory.getLogger(WriteBehindWrites.class);

  /** Writes of one key not yet sent to the origin: its newest version and how many writes. */
  private record Pending(long version, long writes) {
    Pending merge(Pending other) {
      return new Pending(Math.max(version, other.version), writes + other.writes);
    }
  }

  private final long flushIntervalNanos;
  private final int flushBatch;
  private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong unflushed = new AtomicLong();
  private final AtomicLong maxUnflushed = new AtomicLong();
  private final LongAdder flushedWrites = new LongAdder();
  private EventLoopGroup group;
  private ScheduledFuture<?> flusher;

  WriteBehindWrites(CacheStage.Config config, Origin origin, PolicyCache<Entry> cache, Freshness freshness,
      CacheCounters counters) {
    super(WriteStrategy.WRITE_BEHIND, origin, cache, freshness, counters);
    this.flushIntervalNanos = config.flushIntervalNanos();
    this.flushBatch = config.flushBatch();
  }

  @Override
  void start(EventLoopGroup group) {
    this.group = group;
    flusher = group.next().scheduleAtFixedRate(this::flush, flushIntervalNanos, flushIntervalNanos,
        TimeUnit.NANOSECONDS);
  }

  @Override
  void write(Exchange exchange, long key) {
    long version = origin.issue(key);
    Entry entry = freshness.fresh(version, 0);
    cache.putIf(key, entry, 1, current -> current == null || current.negative() || current.version() < version);
    pending.merge(key, new Pending(version, 1), Pending::merge);
    long queued = unflushed.incrementAndGet();
    maxUnflushed.accumulateAndGet(queued, Math::max);
    acknowledge(exchange, key, version);
  }

  @Override
  void committed(long key, long version) {}

  @Override
  long newest(long key) {
    long version = origin.committed(key);
    Pending queued = pending.get(key);
    return queued == null ? version : Math.max(version, queued.version());
  }

  @Override
  Entry queued(long key) {
    Pending queued = pending.get(key);
    return queued == null ? null : freshness.fresh(queued.version(), 0);
  }

  /** Sends the queued writes to the origin, up to {@code flushBatch} keys per request. */
  @Override
  void flush() {
    try {
      List<Long> keys = new ArrayList<>(pending.keySet());
      for (int from = 0; from < keys.size(); from += flushBatch) {
        List<Long> part = keys.subList(from, Math.min(keys.size(), from + flushBatch));
        List<Long> batchKeys = new ArrayList<>(part.size());
        List<Pending> batch = new ArrayList<>(part.size());
        for (Long key : part) {
          Pending p = pending.remove(key);
          if (p != null) {
            batchKeys.add(key);
            batch.add(p);
            unflushed.addAndGet(-p.writes());
          }
        }
        if (batch.isEmpty()) {
          continue;
        }
        long[] k = batchKeys.stream().mapToLong(Long::longValue).toArray();
        long[] v = batch.stream().mapToLong(Pending::version).toArray();
        long count = batch.stream().mapToLong(Pending::writes).sum();
        origin.writeBatch(k, v, group.next(), ok -> {
          if (ok) {
            flushedWrites.add(count);
            return;
          }
          for (int i = 0; i < k.length; i++) { // shed: queue them again
            pending.merge(k[i], batch.get(i), Pending::merge);
          }
          unflushed.addAndGet(count);
        });
      }
    } catch (RuntimeException e) {
      log.warn("write-behind flush failed", e);
    }
  }

  @Override
  long lose() {
    long lost = 0;
    for (Long key : new ArrayList<>(pending.keySet())) {
      Pending p = pending.remove(key);
      if (p != null) {
        lost += p.writes();
        unflushed.addAndGet(-p.writes());
      }
    }
    return lost;
  }

  @Override
  Map<String, Object> stats() {
    Map<String, Object> writeBehind = super.stats();
    writeBehind.put("unflushedWrites", unflushed.get());
    writeBehind.put("maxUnflushedWrites", maxUnflushed.get());
    writeBehind.put("flushedWrites", flushedWrites.sum());
    return writeBehind;
  }

  @Override
  void reset() {
    super.reset();
    flushedWrites.reset();
    maxUnflushed.set(unflushed.get());
  }

  @Override
  void close() {
    if (flusher != null) {
      flusher.cancel(false);
    }
  }
}
