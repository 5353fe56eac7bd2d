package io.strategybench.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.strategybench.server.Exchange;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache stage's reads: a hit, a stale or early refresh, or a miss that the write queue, the
 * {@link MissFilter} or the origin answers (coalesced by {@link Flights} where the configuration asks), and the
 * response with its {@code ETag}, {@code x-cache} and {@code x-version}.
 */
final class ReadPath {
  private static final Logger log = LoggerFactory.getLogger(ReadPath.class);

  private final CacheStage.Config config;
  private final Origin origin;
  private final PolicyCache<Entry> cache;
  private final Freshness freshness;
  private final MissFilter missFilter;
  private final Writes writes;
  private final CacheCounters counters;
  private final Flights flights = new Flights();
  private final boolean coalesce;
  private final ByteBuf body;
  private final AtomicInteger preloaded = new AtomicInteger();
  private volatile boolean ready;
  private EventLoopGroup group;

  ReadPath(CacheStage.Config config, Origin origin, PolicyCache<Entry> cache, Freshness freshness,
      MissFilter missFilter, Writes writes, CacheCounters counters) {
    this.config = config;
    this.origin = origin;
    this.cache = cache;
    this.freshness = freshness;
    this.missFilter = missFilter;
    this.writes = writes;
    this.counters = counters;
    this.coalesce = config.singleFlight() || config.lockWithStale() || config.write().coalescesLoads();
    byte[] bytes = new byte[config.valueBytes()];
    java.util.Arrays.fill(bytes, (byte) 'v');
    this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes).asReadOnly());
    this.ready = config.preload() == 0;
  }

  void start(EventLoopGroup group) {
    this.group = group;
    if (config.preload() > 0) {
      preload();
    }
  }

  boolean isReady() {
    return ready;
  }

  void read(Exchange exchange, long key) {
    long now = System.nanoTime();
    int second = counters.second(now);
    counters.read(second);
    if (key == config.watchKey()) {
      counters.watchedRequests.increment();
    }
    long ackedAtStart = writes.ackedVersion(key);
    Entry entry = cache.get(key);
    if (entry != null) {
      if (now < entry.expiresAt()) {
        if (freshness.refreshEarly(entry, now)) {
          counters.earlyRefreshes.increment();
          counters.misses.increment();
          load(exchange, key, ackedAtStart);
          return;
        }
        counters.hit(second, entry.negative());
        serve(exchange, key, entry, ackedAtStart, entry.negative() ? "NEGATIVE" : "HIT");
        return;
      }
      if (!entry.negative()) {
        if (now < entry.staleUntil()) {
          counters.staleServed.increment();
          counters.hit(second, false);
          serve(exchange, key, entry, ackedAtStart, "STALE");
          refreshInBackground(key);
          return;
        }
        if (config.lockWithStale() && flights.inFlight(key)) {
          counters.staleServed.increment();
          counters.hit(second, false);
          serve(exchange, key, entry, ackedAtStart, "STALE");
          return;
        }
      }
      counters.expired.increment();
    }
    counters.misses.increment();
    load(exchange, key, ackedAtStart);
  }

  /** A miss: from the write-behind queue, the Bloom filter's 404, or the origin, coalesced where asked. */
  private void load(Exchange exchange, long key, long ackedAtStart) {
    Entry queued = writes.queued(key);
    if (queued != null) {
      writes.fill(key, queued);
      serve(exchange, key, queued, ackedAtStart, "QUEUED");
      return;
    }
    if (!missFilter.mightExist(key)) {
      counters.bloomRejected.increment();
      counters.notFound.increment();
      exchange.respond(miss404("BLOOM"));
      return;
    }
    Consumer<Entry> answer = entry -> onLoop(exchange, () -> {
      if (entry == null) {
        counters.shedReads.increment();
        exchange.respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: the origin is over"
            + " capacity and its queue is full\n");
      } else {
        serve(exchange, key, entry, ackedAtStart, "MISS");
      }
    });
    if (!coalesce) {
      fetch(key, exchange.eventLoop(), answer);
    } else if (flights.join(key, answer, done -> fetch(key, exchange.eventLoop(), done))) {
      counters.coalesced.increment();
    }
  }

  /** Reads the origin and fills the cache; {@code done} gets the entry, or null when the origin shed the read. */
  private void fetch(long key, EventLoop loop, Consumer<Entry> done) {
    long start = System.nanoTime();
    if (key == config.watchKey()) {
      counters.watchedOriginReads.increment();
    }
    origin.read(key, loop, (outcome, version) -> {
      switch (outcome) {
        case FOUND -> {
          Entry entry = freshness.fresh(version, System.nanoTime() - start);
          writes.fill(key, entry);
          done.accept(entry);
        }
        case MISSING -> {
          long now = System.nanoTime();
          long negativeTtl = config.negativeTtlNanos();
          Entry entry = new Entry(0, true, negativeTtl > 0 ? now + negativeTtl : now, 0, now - start);
          if (negativeTtl > 0) {
            cache.put(key, entry, 1);
          }
          done.accept(entry);
        }
        default -> done.accept(null);
      }
    });
  }

  private void refreshInBackground(long key) {
    if (flights.startIfNone(key, done -> fetch(key, group.next(), done))) {
      counters.backgroundRefreshes.increment();
    }
  }

  private void serve(Exchange exchange, long key, Entry entry, long ackedAtStart, String how) {
    if (entry.negative()) {
      counters.notFound.increment();
      exchange.respond(miss404(how));
      return;
    }
    if (entry.version() < ackedAtStart) {
      counters.staleReads.increment();
    }
    String etag = "\"" + key + "-" + entry.version() + "\"";
    String condition = exchange.request().headers().get(HttpHeaderNames.IF_NONE_MATCH);
    FullHttpResponse response;
    if (condition != null && (condition.equals(etag) || condition.equals("*"))) {
      counters.notModified.increment();
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
    } else {
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body.retainedDuplicate());
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
    }
    response.headers().set(HttpHeaderNames.ETAG, etag);
    response.headers().set("x-cache", how);
    response.headers().set("x-version", entry.version());
    exchange.respond(response);
  }

  private static FullHttpResponse miss404(String how) {
    FullHttpResponse response = CacheStage.text(HttpResponseStatus.NOT_FOUND, "404 Not Found: no such key\n");
    response.headers().set("x-cache", how);
    return response;
  }

  private static void onLoop(Exchange exchange, Runnable task) {
    EventLoop loop = exchange.eventLoop();
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  // ---- preload: the avalanche protection that fills the cache before traffic --------------------------------

  /** Loads keys 0..preload-1 a few at a time; the stage is ready when they are in. */
  private void preload() {
    int total = (int) Math.min(config.preload(), origin.config().keys());
    AtomicInteger next = new AtomicInteger();
    int parallel = Math.max(1, Math.min(16, origin.config().capacity()));
    for (int i = 0; i < parallel; i++) {
      preloadNext(next, total, group.next());
    }
  }

  private void preloadNext(AtomicInteger next, int total, EventLoop loop) {
    int key = next.getAndIncrement();
    if (key >= total) {
      if (preloaded.get() >= total) {
        ready = true;
      }
      return;
    }
    fetch(key, loop, entry -> {
      if (entry == null) {
        loop.schedule(() -> fetch(key, loop, e -> {
          preloaded.incrementAndGet();
          preloadNext(next, total, loop);
        }), 10, TimeUnit.MILLISECONDS);
        return;
      }
      if (preloaded.incrementAndGet() >= total) {
        ready = true;
        log.info("preloaded {} key(s)", total);
      }
      preloadNext(next, total, loop);
    });
  }
}
