package io.strategybench.cache;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.strategybench.server.Exchange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link WriteStrategy} at work in the cache stage: how a client's write reaches the origin and the cache, when
 * it is acknowledged, and how a value read on a miss lands in the cache. One subclass per strategy; this base
 * writes to the origin first and acknowledges once it committed.
 */
abstract class Writes {
  final Origin origin;
  final PolicyCache<Entry> cache;
  final Freshness freshness;
  final CacheCounters counters;
  private final boolean versionedFills;
  private final AtomicLongArray acked;
  final LongAdder lostWrites = new LongAdder();
  final LongAdder crashes = new LongAdder();

  Writes(WriteStrategy strategy, Origin origin, PolicyCache<Entry> cache, Freshness freshness,
      CacheCounters counters) {
    this.origin = origin;
    this.cache = cache;
    this.freshness = freshness;
    this.counters = counters;
    this.versionedFills = strategy.versionedFills();
    this.acked = new AtomicLongArray(origin.config().keys());
  }

  /** The strategy's writes. */
  static Writes of(CacheStage.Config config, Origin origin, PolicyCache<Entry> cache, Freshness freshness,
      CacheCounters counters) {
    WriteStrategy strategy = config.write();
    return switch (strategy) {
      case CACHE_ASIDE, READ_THROUGH -> new InvalidatingWrites(strategy, origin, cache, freshness, counters);
      case WRITE_THROUGH -> new WriteThroughWrites(origin, cache, freshness, counters);
      case WRITE_AROUND -> new WriteAroundWrites(origin, cache, freshness, counters);
      case WRITE_BEHIND -> new WriteBehindWrites(config, origin, cache, freshness, counters);
    };
  }

  /** A client's write of an existing key: to the origin, then what the strategy does to the cache, then the ack. */
  void write(Exchange exchange, long key) {
    origin.write(key, exchange.eventLoop(), (outcome, version) -> {
      if (outcome == Origin.Outcome.SHED) {
        counters.shedWrites.increment();
        exchange.respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: the origin is over"
            + " capacity; the write was not made\n");
        return;
      }
      committed(key, version);
      acknowledge(exchange, key, version);
    });
  }

  /** What the strategy does to the cache once the origin committed {@code version} of {@code key}. */
  abstract void committed(long key, long version);

  /**
   * Puts a value read from the origin (or the write queue) in the cache. Strategies with versioned fills drop it
   * when a newer version is cached or already in the origin (a write overtook the read); cache-aside and
   * write-around put it blindly, as those strategies do.
   */
  final void fill(long key, Entry entry) {
    boolean stored;
    if (versionedFills) {
      stored = cache.putIf(key, entry, 1, current -> (current == null || current.negative()
          || current.version() <= entry.version()) && entry.version() >= newest(key));
    } else {
      stored = cache.put(key, entry, 1);
    }
    if (!stored) {
      counters.droppedFills.increment();
    }
  }

  /** The newest version of a key anywhere: in the origin, or queued to be written to it. */
  long newest(long key) {
    return origin.committed(key);
  }

  /** A version of {@code key} written but not yet in the origin, which a miss reads from, or null. */
  Entry queued(long key) {
    return null;
  }

  /** The newest version of {@code key} acknowledged to a client: a read that started later must not be older. */
  final long ackedVersion(long key) {
    return origin.exists(key) ? acked.get((int) key) : 0;
  }

  final void acknowledge(Exchange exchange, long key, long version) {
    acked.accumulateAndGet((int) key, version, Math::max);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
    response.headers().set("x-version", version);
    exchange.respond(response);
  }

  void start(EventLoopGroup group) {}

  /** Sends what waits to the origin now (write-behind). */
  void flush() {}

  /** Drops what waits for the origin, as a dying process would; returns how many acknowledged writes it held. */
  long lose() {
    return 0;
  }

  /** The {@code writeBehind} part of the stats: what waits, what was flushed, what crashes lost. */
  Map<String, Object> stats() {
    Map<String, Object> writeBehind = new LinkedHashMap<>();
    writeBehind.put("unflushedWrites", 0L);
    writeBehind.put("maxUnflushedWrites", 0L);
    writeBehind.put("flushedWrites", 0L);
    writeBehind.put("lostWrites", lostWrites.sum());
    writeBehind.put("crashes", crashes.sum());
    return writeBehind;
  }

  void reset() {
    lostWrites.reset();
    crashes.reset();
  }

  void close() {}

  /** Cache-aside and read-through: update the origin, then delete the key from the cache. */
  static final class InvalidatingWrites extends Writes {
    InvalidatingWrites(WriteStrategy strategy, Origin origin, PolicyCache<Entry> cache, Freshness freshness,
        CacheCounters counters) {
      super(strategy, origin, cache, freshness, counters);
    }

    @Override
    void committed(long key, long version) {
      cache.remove(key);
    }
  }

  /** Write-through: update the origin, then the cache, then acknowledge. */
  static final class WriteThroughWrites extends Writes {
    WriteThroughWrites(Origin origin, PolicyCache<Entry> cache, Freshness freshness, CacheCounters counters) {
      super(WriteStrategy.WRITE_THROUGH, origin, cache, freshness, counters);
    }

    @Override
    void committed(long key, long version) {
      fill(key, freshness.fresh(version, 0));
    }
  }

  /** Write-around: update the origin only; the cached copy stays until it expires. */
  static final class WriteAroundWrites extends Writes {
    WriteAroundWrites(Origin origin, PolicyCache<Entry> cache, Freshness freshness, CacheCounters counters) {
      super(WriteStrategy.WRITE_AROUND, origin, cache, freshness, counters);
    }

    @Override
    void committed(long key, long version) {}
  }
}
