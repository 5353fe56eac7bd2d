package io.strategybench.cache;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.strategybench.server.AdminRequest;
import io.strategybench.server.AdminResponse;
import io.strategybench.server.Exchange;
import io.strategybench.server.Stage;
import io.strategybench.server.StageContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache stage of the target: a bounded cache run by a {@link CachePolicy} in front of a slow {@link Origin}
 * (a simulated database), with a {@link WriteStrategy}, expiry and the protections against the cache's failure
 * modes, all measured while Gatling drives it.
 *
 * <ul>
 *   <li>{@code GET /k/KEY} reads a key (a non-negative integer): from the cache, or from the origin on a miss
 *       (200 with an {@code ETag}, {@code x-cache} and {@code x-version}; 404 for a key the origin does not have;
 *       304 when {@code If-None-Match} names the current version); {@code PUT /k/KEY} (or POST) writes a new
 *       version of it (204 once acknowledged).
 *   <li>expiry: a TTL after each fill, optionally jittered by up to {@code ttlJitter} of itself either way (the
 *       avalanche protection); stale-while-revalidate serves an expired entry for a while and refreshes it in the
 *       background.
 *   <li>stampede: single-flight (concurrent misses of a key wait for one origin read), probabilistic early
 *       expiration (XFetch: a read refreshes early with probability growing toward the expiry, Vattani et al.,
 *       VLDB 2015), or a lock with stale fallback (one request refreshes, the others get the expired copy).
 *   <li>penetration: negative caching (a 404 cached with its own TTL) and a Bloom filter of the keys that exist
 *       (Guava's, 0.1% false positives), which answers 404 for the rest without the origin.
 *   <li>avalanche: the jittered TTL, and preloading the hottest keys before the stage reports ready.
 * </ul>
 *
 * Counters: hit ratio, origin requests per second and their peak, stale reads (a version older than the newest
 * one acknowledged before the read started), coalesced and early refreshes, the write-behind queue and what a
 * crash would lose ({@code POST /_/cache/crash} makes one).
 */
public final class CacheStage implements Stage {
  private static final Logger log = LoggerFactory.getLogger(CacheStage.class);
  private static final int TIMELINE_SECONDS = 3600;
  /** The Bloom filter's false-positive rate: a missing key it lets through goes to the origin every time. */
  static final double BLOOM_FALSE_POSITIVES = 0.001;

  /**
   * How the stage behaves.
   *
   * @param valueBytes body size of each value
   * @param write the write strategy
   * @param ttlNanos time to live after a fill; 0: no expiry
   * @param ttlJitter each TTL is drawn from ttl x (1 +- ttlJitter), 0 to 1
   * @param staleWhileRevalidateNanos how long after expiry an entry may still be served while it is refreshed
   * @param singleFlight concurrent misses of a key share one origin read
   * @param xfetchBeta XFetch's beta (1 is the paper's); 0: off
   * @param lockWithStale on expiry one request refreshes, the others get the expired copy
   * @param negativeTtlNanos how long a 404 is cached; 0: not cached
   * @param bloom keep a Bloom filter of the keys that exist and answer 404 for others without the origin
   * @param preload keys 0..preload-1 (the hottest under Zipf) loaded before the stage is ready
   * @param flushIntervalNanos write-behind: how often the queued writes go to the origin
   * @param flushBatch write-behind: most keys in one origin write
   * @param watchKey a key whose origin reads are counted apart (the hot key of a stampede)
   */
  public record Config(int valueBytes, WriteStrategy write, long ttlNanos, double ttlJitter,
      long staleWhileRevalidateNanos, boolean singleFlight, double xfetchBeta, boolean lockWithStale,
      long negativeTtlNanos, boolean bloom, int preload, long flushIntervalNanos, int flushBatch, long watchKey) {
    public Config {
      if (valueBytes < 0 || valueBytes > 16 * 1024 * 1024) {
        throw new IllegalArgumentException("value size must be 0..16MiB, got " + valueBytes);
      }
      if (ttlNanos < 0) {
        throw new IllegalArgumentException("--ttl must not be negative (0 means no expiry), got " + ttlNanos + " ns");
      }
      if (!(ttlJitter >= 0 && ttlJitter <= 1)) {
        throw new IllegalArgumentException("--ttl-jitter must be 0..1 (a share of the TTL), got " + ttlJitter);
      }
      if (staleWhileRevalidateNanos < 0) {
        throw new IllegalArgumentException("--stale-while-revalidate must not be negative, got "
            + staleWhileRevalidateNanos + " ns");
      }
      if (negativeTtlNanos < 0) {
        throw new IllegalArgumentException("--negative-ttl must not be negative (0 means 404s are not cached), got "
            + negativeTtlNanos + " ns");
      }
      if (!(xfetchBeta >= 0 && xfetchBeta <= 100)) {
        throw new IllegalArgumentException("--xfetch-beta must be 0 (off) to 100, got " + xfetchBeta);
      }
      if (preload < 0) {
        throw new IllegalArgumentException("--preload must not be negative, got " + preload);
      }
      if (flushIntervalNanos <= 0 || flushBatch < 1) {
        throw new IllegalArgumentException("--flush-interval must be positive and --flush-batch at least 1");
      }
    }
  }

  /** One cached answer: a version of the key's value, or the fact that the key does not exist. */
  record Entry(long version, boolean negative, long expiresAt, long staleUntil, long fetchNanos) {}

  /** Write-behind writes of one key not yet sent to the origin: its newest version and how many writes. */
  private record Pending(long version, long writes) {}

  /** One origin read that several requests wait for. */
  private static final class Flight {
    private final List<java.util.function.Consumer<Entry>> waiters = new ArrayList<>(2);
    private boolean done;
    private Entry result;
    private boolean shed;

    /** Adds a waiter; false when the flight has landed (the caller starts another). */
    synchronized boolean join(java.util.function.Consumer<Entry> waiter) {
      if (done) {
        return false;
      }
      waiters.add(waiter);
      return true;
    }

    void land(Entry entry, boolean wasShed) {
      List<java.util.function.Consumer<Entry>> all;
      synchronized (this) {
        done = true;
        result = entry;
        shed = wasShed;
        all = List.copyOf(waiters);
        waiters.clear();
      }
      for (var waiter : all) {
        waiter.accept(shed ? null : result);
      }
    }
  }

  private final String strategyName;
  private final Config config;
  private final Origin origin;
  private final PolicyCache<Entry> cache;
  private final BloomFilter<Long> bloom;
  private final ByteBuf body;
  private final ConcurrentHashMap<Long, Flight> flights = new ConcurrentHashMap<>();
  private final AtomicLongArray acked;
  private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong unflushed = new AtomicLong();
  private final AtomicLong maxUnflushed = new AtomicLong();
  private final LongAdder reads = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder staleServed = new LongAdder();
  private final LongAdder negativeHits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder expired = new LongAdder();
  private final LongAdder staleReads = new LongAdder();
  private final LongAdder notFound = new LongAdder();
  private final LongAdder notModified = new LongAdder();
  private final LongAdder bloomRejected = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final LongAdder earlyRefreshes = new LongAdder();
  private final LongAdder backgroundRefreshes = new LongAdder();
  private final LongAdder droppedFills = new LongAdder();
  private final LongAdder shedReads = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder shedWrites = new LongAdder();
  private final LongAdder flushedWrites = new LongAdder();
  private final LongAdder lostWrites = new LongAdder();
  private final LongAdder crashes = new LongAdder();
  private final LongAdder watchedRequests = new LongAdder();
  private final LongAdder watchedOriginReads = new LongAdder();
  private final AtomicLongArray readsBySecond = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicLongArray hitsBySecond = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicInteger preloaded = new AtomicInteger();
  private volatile boolean ready;
  private volatile long epochNanos = System.nanoTime();
  private EventLoopGroup group;
  private ScheduledFuture<?> flusher;

  public CacheStage(CachePolicy policy, String strategyName, Origin origin, Config config) {
    if (policy instanceof ClairvoyantPolicy) {
      throw new IllegalArgumentException("cache strategy '" + strategyName + "' reads the future and runs in the"
          + " simulate lens only; choose another for the target");
    }
    this.strategyName = strategyName;
    this.config = config;
    this.origin = origin;
    this.cache = new PolicyCache<>(policy);
    this.acked = new AtomicLongArray(origin.config().keys());
    if (config.bloom()) {
      bloom = BloomFilter.create(Funnels.longFunnel(), origin.config().keys(), BLOOM_FALSE_POSITIVES);
      for (long k = 0; k < origin.config().keys(); k++) {
        bloom.put(k);
      }
    } else {
      bloom = null;
    }
    byte[] bytes = new byte[config.valueBytes()];
    java.util.Arrays.fill(bytes, (byte) 'v');
    this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes).asReadOnly());
    this.ready = config.preload() == 0;
  }

  @Override
  public String name() {
    return "cache";
  }

  @Override
  public void start(StageContext context) {
    this.group = context.ioGroup();
    if (config.write() == WriteStrategy.WRITE_BEHIND) {
      flusher = group.next().scheduleAtFixedRate(this::flush, config.flushIntervalNanos(),
          config.flushIntervalNanos(), TimeUnit.NANOSECONDS);
    }
    if (config.preload() > 0) {
      preload();
    }
  }

  @Override
  public boolean isReady() {
    return ready;
  }

  // ---- requests ----------------------------------------------------------------------------------------------

  @Override
  public void handle(Exchange exchange) {
    String uri = exchange.request().uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    if (!path.startsWith("/k/")) {
      exchange.respond(HttpResponseStatus.NOT_FOUND, "404 Not Found: the cache stage serves GET and PUT /k/KEY\n");
      return;
    }
    long key = parseKey(path.substring(3));
    if (key < 0) {
      exchange.respond(HttpResponseStatus.BAD_REQUEST, "400 Bad Request: the key in " + path + " must be a"
          + " non-negative integer below 2^62, like /k/42\n");
      return;
    }
    HttpMethod method = exchange.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      read(exchange, key);
    } else if (method == HttpMethod.PUT || method == HttpMethod.POST) {
      write(exchange, key);
    } else {
      FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "405 Method Not Allowed: use GET or"
          + " PUT on /k/KEY\n");
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, PUT, POST");
      exchange.respond(response);
    }
  }

  static long parseKey(String text) {
    if (text.isEmpty() || text.length() > 19) {
      return -1;
    }
    long key = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      key = key * 10 + (c - '0');
      if (key >= PolicyCache.KEY_LIMIT) {
        return -1;
      }
    }
    return key;
  }

  private void read(Exchange exchange, long key) {
    long now = System.nanoTime();
    int second = second(now);
    reads.increment();
    readsBySecond.incrementAndGet(second);
    if (key == config.watchKey()) {
      watchedRequests.increment();
    }
    long ackedAtStart = ackedVersion(key);
    Entry entry = cache.get(key);
    if (entry != null) {
      if (now < entry.expiresAt()) {
        if (config.xfetchBeta() > 0 && !entry.negative() && xfetchWins(entry, now)) {
          earlyRefreshes.increment();
          misses.increment();
          load(exchange, key, ackedAtStart);
          return;
        }
        hit(second, entry);
        serve(exchange, key, entry, ackedAtStart, entry.negative() ? "NEGATIVE" : "HIT");
        return;
      }
      if (!entry.negative()) {
        if (now < entry.staleUntil()) {
          staleServed.increment();
          hit(second, entry);
          serve(exchange, key, entry, ackedAtStart, "STALE");
          refreshInBackground(key);
          return;
        }
        if (config.lockWithStale() && flights.containsKey(key)) {
          staleServed.increment();
          hit(second, entry);
          serve(exchange, key, entry, ackedAtStart, "STALE");
          return;
        }
      }
      expired.increment();
    }
    misses.increment();
    load(exchange, key, ackedAtStart);
  }

  private void hit(int second, Entry entry) {
    hits.increment();
    hitsBySecond.incrementAndGet(second);
    if (entry.negative()) {
      negativeHits.increment();
    }
  }

  /** XFetch: refresh early when now - delta x beta x ln(u) passes the expiry, u uniform in (0, 1]. */
  private boolean xfetchWins(Entry entry, long now) {
    if (entry.expiresAt() == Long.MAX_VALUE) {
      return false;
    }
    double u = 1.0 - ThreadLocalRandom.current().nextDouble();
    return now - entry.fetchNanos() * config.xfetchBeta() * Math.log(u) >= entry.expiresAt();
  }

  /** A miss: from the write-behind queue, the Bloom filter's 404, or the origin, coalesced where asked. */
  private void load(Exchange exchange, long key, long ackedAtStart) {
    if (config.write() == WriteStrategy.WRITE_BEHIND) {
      Pending queued = pending.get(key);
      if (queued != null) {
        Entry entry = fresh(queued.version(), 0);
        fill(key, entry);
        serve(exchange, key, entry, ackedAtStart, "QUEUED");
        return;
      }
    }
    if (bloom != null && !bloom.mightContain(key)) {
      bloomRejected.increment();
      notFound.increment();
      exchange.respond(miss404("BLOOM"));
      return;
    }
    java.util.function.Consumer<Entry> answer = entry -> onLoop(exchange, () -> {
      if (entry == null) {
        shedReads.increment();
        exchange.respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: the origin is over"
            + " capacity and its queue is full\n");
      } else {
        serve(exchange, key, entry, ackedAtStart, "MISS");
      }
    });
    if (config.singleFlight() || config.lockWithStale() || config.write().coalescesLoads()) {
      Flight flight = new Flight();
      while (true) {
        Flight current = flights.putIfAbsent(key, flight);
        if (current == null) {
          break;
        }
        if (current.join(answer)) {
          coalesced.increment();
          return;
        }
        flights.remove(key, current); // landed between the lookup and the join
      }
      flight.join(answer);
      fetch(key, exchange.eventLoop(), entry -> {
        flights.remove(key, flight);
        flight.land(entry, entry == null);
      });
    } else {
      fetch(key, exchange.eventLoop(), answer);
    }
  }

  /** Reads the origin and fills the cache; {@code done} gets the entry, or null when the origin shed the read. */
  private void fetch(long key, EventLoop loop, java.util.function.Consumer<Entry> done) {
    long start = System.nanoTime();
    if (key == config.watchKey()) {
      watchedOriginReads.increment();
    }
    origin.read(key, loop, (outcome, version) -> {
      switch (outcome) {
        case FOUND -> {
          Entry entry = fresh(version, System.nanoTime() - start);
          fill(key, entry);
          done.accept(entry);
        }
        case MISSING -> {
          long now = System.nanoTime();
          Entry entry = new Entry(0, true, config.negativeTtlNanos() > 0 ? now + config.negativeTtlNanos() : now,
              0, now - start);
          if (config.negativeTtlNanos() > 0) {
            cache.put(key, entry, 1);
          }
          done.accept(entry);
        }
        default -> done.accept(null);
      }
    });
  }

  /** An entry just read: TTL (jittered) and stale window from now. */
  private Entry fresh(long version, long fetchNanos) {
    long now = System.nanoTime();
    if (config.ttlNanos() == 0) {
      return new Entry(version, false, Long.MAX_VALUE, Long.MAX_VALUE, fetchNanos);
    }
    double factor = 1 + config.ttlJitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    long expires = now + Math.max(1, (long) (config.ttlNanos() * factor));
    long staleUntil = config.staleWhileRevalidateNanos() > 0 ? expires + config.staleWhileRevalidateNanos() : expires;
    return new Entry(version, false, expires, staleUntil, fetchNanos);
  }

  /**
   * Puts a value read from the origin (or the write queue) in the cache. Strategies with versioned fills drop it
   * when a newer version is cached or already in the origin (a write overtook the read); cache-aside and
   * write-around put it blindly, as those strategies do.
   */
  private void fill(long key, Entry entry) {
    boolean stored;
    if (config.write().versionedFills()) {
      stored = cache.putIf(key, entry, 1, current -> (current == null || current.negative()
          || current.version() <= entry.version()) && entry.version() >= newest(key));
    } else {
      stored = cache.put(key, entry, 1);
    }
    if (!stored) {
      droppedFills.increment();
    }
  }

  /** The newest version of a key anywhere: in the origin, or queued to be written to it. */
  private long newest(long key) {
    long version = origin.committed(key);
    Pending queued = pending.get(key);
    return queued == null ? version : Math.max(version, queued.version());
  }

  private void refreshInBackground(long key) {
    Flight flight = new Flight();
    if (flights.putIfAbsent(key, flight) != null) {
      return;
    }
    backgroundRefreshes.increment();
    fetch(key, group.next(), entry -> {
      flights.remove(key, flight);
      flight.land(entry, entry == null);
    });
  }

  private void serve(Exchange exchange, long key, Entry entry, long ackedAtStart, String how) {
    if (entry.negative()) {
      notFound.increment();
      exchange.respond(miss404(how));
      return;
    }
    if (entry.version() < ackedAtStart) {
      staleReads.increment();
    }
    String etag = "\"" + key + "-" + entry.version() + "\"";
    String condition = exchange.request().headers().get(HttpHeaderNames.IF_NONE_MATCH);
    FullHttpResponse response;
    if (condition != null && (condition.equals(etag) || condition.equals("*"))) {
      notModified.increment();
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

  private FullHttpResponse miss404(String how) {
    FullHttpResponse response = text(HttpResponseStatus.NOT_FOUND, "404 Not Found: no such key\n");
    response.headers().set("x-cache", how);
    return response;
  }

  private static FullHttpResponse text(HttpResponseStatus status, String text) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(text, java.nio.charset.StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
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

  // ---- writes ------------------------------------------------------------------------------------------------

  private void write(Exchange exchange, long key) {
    writes.increment();
    if (!origin.exists(key)) {
      notFound.increment();
      exchange.respond(HttpResponseStatus.NOT_FOUND, "404 Not Found: the origin has no key " + key
          + " (keys are 0.." + (origin.config().keys() - 1) + ")\n");
      return;
    }
    if (config.write() == WriteStrategy.WRITE_BEHIND) {
      long version = origin.issue(key);
      Entry entry = fresh(version, 0);
      cache.putIf(key, entry, 1, current -> current == null || current.negative() || current.version() < version);
      pending.merge(key, new Pending(version, 1), (a, b) -> new Pending(Math.max(a.version(), b.version()),
          a.writes() + b.writes()));
      long queued = unflushed.incrementAndGet();
      maxUnflushed.accumulateAndGet(queued, Math::max);
      acknowledge(exchange, key, version);
      return;
    }
    origin.write(key, exchange.eventLoop(), (outcome, version) -> {
      if (outcome == Origin.Outcome.SHED) {
        shedWrites.increment();
        exchange.respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: the origin is over"
            + " capacity; the write was not made\n");
        return;
      }
      switch (config.write()) {
        case CACHE_ASIDE, READ_THROUGH -> cache.remove(key);
        case WRITE_THROUGH -> fill(key, fresh(version, 0));
        default -> { } // write-around leaves the cached copy alone
      }
      acknowledge(exchange, key, version);
    });
  }

  private void acknowledge(Exchange exchange, long key, long version) {
    acked.accumulateAndGet((int) key, version, Math::max);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
    response.headers().set("x-version", version);
    exchange.respond(response);
  }

  private long ackedVersion(long key) {
    return origin.exists(key) ? acked.get((int) key) : 0;
  }

  /** Write-behind: sends the queued writes to the origin, up to {@code flushBatch} keys per request. */
  private void flush() {
    try {
      List<Long> keys = new ArrayList<>(pending.keySet());
      for (int from = 0; from < keys.size(); from += config.flushBatch()) {
        List<Long> part = keys.subList(from, Math.min(keys.size(), from + config.flushBatch()));
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
            pending.merge(k[i], batch.get(i), (a, b) -> new Pending(Math.max(a.version(), b.version()),
                a.writes() + b.writes()));
          }
          unflushed.addAndGet(count);
        });
      }
    } catch (RuntimeException e) {
      log.warn("write-behind flush failed", e);
    }
  }

  /**
   * Simulates the process dying: the write-behind queue (acknowledged writes not yet sent to the origin) is lost
   * and the cache is empty. Returns how many acknowledged writes were lost.
   */
  public long crash() {
    long lost = 0;
    for (Long key : new ArrayList<>(pending.keySet())) {
      Pending p = pending.remove(key);
      if (p != null) {
        lost += p.writes();
        unflushed.addAndGet(-p.writes());
      }
    }
    lostWrites.add(lost);
    crashes.increment();
    cache.clear();
    log.info("cache crash: {} acknowledged write(s) lost", lost);
    return lost;
  }

  // ---- preload -----------------------------------------------------------------------------------------------

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

  // ---- stats and admin ---------------------------------------------------------------------------------------

  private int second(long now) {
    long s = (now - epochNanos) / 1_000_000_000L;
    return (int) Math.min(Math.max(s, 0), TIMELINE_SECONDS - 1);
  }

  @Override
  public Map<String, Object> stats() {
    long readCount = reads.sum();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("strategy", strategyName);
    out.put("writeStrategy", config.write().cliName());
    out.put("capacity", cache.policy().capacity());
    out.put("entries", cache.size());
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
    out.put("evictions", cache.evictions());
    out.put("droppedReadEvents", cache.droppedReads());
    out.put("staleReads", staleReads.sum());
    out.put("staleReadRatio", readCount == 0 ? 0.0 : round((double) staleReads.sum() / readCount));
    out.put("writes", writes.sum());
    out.put("shedReads", shedReads.sum());
    out.put("shedWrites", shedWrites.sum());
    Map<String, Object> originStats = new LinkedHashMap<>();
    originStats.put("requests", origin.requests());
    originStats.put("reads", origin.reads());
    originStats.put("missingReads", origin.missingReads());
    originStats.put("writes", origin.writes());
    originStats.put("batches", origin.batches());
    originStats.put("shed", origin.shed());
    originStats.put("peakInFlight", origin.peakInFlight());
    originStats.put("peakPerSecond", origin.peakPerSecond());
    originStats.put("peakPer100ms", origin.peakPer100ms());
    out.put("origin", originStats);
    Map<String, Object> writeBehind = new LinkedHashMap<>();
    writeBehind.put("unflushedWrites", unflushed.get());
    writeBehind.put("maxUnflushedWrites", maxUnflushed.get());
    writeBehind.put("flushedWrites", flushedWrites.sum());
    writeBehind.put("lostWrites", lostWrites.sum());
    writeBehind.put("crashes", crashes.sum());
    out.put("writeBehind", writeBehind);
    Map<String, Object> watched = new LinkedHashMap<>();
    watched.put("key", config.watchKey());
    watched.put("requests", watchedRequests.sum());
    watched.put("originReads", watchedOriginReads.sum());
    out.put("watchedKey", watched);
    out.put("policy", cache.policy().stats());
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
    series.put("originRequests", origin.perSecond());
    out.put("perSecond", series);
    return out;
  }

  @Override
  public void reset() {
    epochNanos = System.nanoTime(); // first: a request counted while the arrays are cleared goes to second 0
    for (int i = 0; i < TIMELINE_SECONDS; i++) {
      readsBySecond.set(i, 0);
      hitsBySecond.set(i, 0);
    }
    for (LongAdder a : List.of(reads, hits, staleServed, negativeHits, misses, expired, staleReads, notFound,
        notModified, bloomRejected, coalesced, earlyRefreshes, backgroundRefreshes, droppedFills, shedReads, writes,
        shedWrites, flushedWrites, lostWrites, crashes, watchedRequests, watchedOriginReads)) {
      a.reset();
    }
    maxUnflushed.set(unflushed.get());
    cache.resetCounters();
    origin.reset();
  }

  @Override
  public AdminResponse admin(AdminRequest request) {
    List<String> path = request.segments();
    if (path.isEmpty() || !path.get(0).equals("cache")) {
      return null;
    }
    String action = path.size() > 1 ? path.get(1) : "";
    if (!request.method().equals("POST") && !action.isEmpty()) {
      return AdminResponse.error(405, request.path() + " takes POST");
    }
    return switch (action) {
      case "" -> AdminResponse.ok(Map.of("strategy", strategyName, "writeStrategy", config.write().cliName(),
          "entries", cache.size(), "ready", ready));
      case "crash" -> AdminResponse.ok(Map.of("lostWrites", crash()));
      case "clear" -> {
        cache.clear();
        yield AdminResponse.ok(Map.of("cleared", true));
      }
      case "flush" -> {
        flush();
        yield AdminResponse.ok(Map.of("flushing", true));
      }
      case "expire" -> expire(request);
      default -> AdminResponse.error(404, "unknown cache action '" + action + "'; use GET /_/cache, POST"
          + " /_/cache/crash, /_/cache/clear, /_/cache/flush or /_/cache/expire?key=K&inMillis=N");
    };
  }

  /**
   * {@code POST /_/cache/expire?key=K&inMillis=N}: the cached entry of K now expires N ms from now, as if its TTL
   * ran out then (a stampede scenario times its readers by it).
   */
  private AdminResponse expire(AdminRequest request) {
    long key = parseKey(request.param("key", ""));
    long in;
    try {
      in = Long.parseLong(request.param("inMillis", "0"));
    } catch (NumberFormatException e) {
      in = -1;
    }
    if (key < 0 || in < 0) {
      return AdminResponse.error(400, "expire takes key=K (a non-negative integer) and inMillis=N (0 or more)");
    }
    Entry current = cache.peek(key);
    if (current == null) {
      return AdminResponse.error(404, "key " + key + " is not cached");
    }
    long expires = System.nanoTime() + in * 1_000_000L;
    long stale = config.staleWhileRevalidateNanos() > 0 ? expires + config.staleWhileRevalidateNanos() : expires;
    Entry changed = new Entry(current.version(), current.negative(), expires, stale, current.fetchNanos());
    boolean stored = cache.putIf(key, changed, 1, e -> e != null && e.version() == current.version());
    return stored ? AdminResponse.ok(Map.of("key", key, "expiresInMillis", in))
        : AdminResponse.error(409, "key " + key + " changed meanwhile; try again");
  }

  @Override
  public void close() {
    if (flusher != null) {
      flusher.cancel(false);
    }
  }

  private static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }
}
