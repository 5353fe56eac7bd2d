package io.strategybench.cache;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.strategybench.server.AdminRequest;
import io.strategybench.server.AdminResponse;
import io.strategybench.server.Exchange;
import io.strategybench.server.Stage;
import io.strategybench.server.StageContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>This class is the stage's HTTP face, its counters and its admin plane; the work is done by parts that each
 * change for one reason: {@link ReadPath} (hits, misses, coalescing, the response), {@link Writes} (one subclass
 * per {@link WriteStrategy}), {@link Freshness} (TTL, jitter, stale-while-revalidate, XFetch), {@link MissFilter}
 * (the Bloom filter) and {@link Flights} (single-flight loads).
 */
public final class CacheStage implements Stage {
  private static final Logger log = LoggerFactory.getLogger(CacheStage.class);

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

  private final String strategyName;
  private final Config config;
  private final Origin origin;
  private final PolicyCache<Entry> cache;
  private final CacheCounters counters = new CacheCounters();
  private final Freshness freshness;
  private final Writes writes;
  private final ReadPath reads;

  public CacheStage(CachePolicy policy, String strategyName, Origin origin, Config config) {
    if (policy instanceof ClairvoyantPolicy) {
      throw new IllegalArgumentException("cache strategy '" + strategyName + "' reads the future and runs in the"
          + " simulate lens only; choose another for the target");
    }
    this.strategyName = strategyName;
    this.config = config;
    this.origin = origin;
    this.cache = new PolicyCache<>(policy);
    this.freshness = new Freshness(config);
    this.writes = Writes.of(config, origin, cache, freshness, counters);
    MissFilter missFilter = config.bloom() ? MissFilter.bloom(origin.config().keys()) : MissFilter.NONE;
    this.reads = new ReadPath(config, origin, cache, freshness, missFilter, writes, counters);
  }

  @Override
  public String name() {
    return "cache";
  }

  @Override
  public void start(StageContext context) {
    EventLoopGroup group = context.ioGroup();
    writes.start(group);
    reads.start(group);
  }

  @Override
  public boolean isReady() {
    return reads.isReady();
  }

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
      reads.read(exchange, key);
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

  private void write(Exchange exchange, long key) {
    counters.writes.increment();
    if (!origin.exists(key)) {
      counters.notFound.increment();
      exchange.respond(HttpResponseStatus.NOT_FOUND, "404 Not Found: the origin has no key " + key
          + " (keys are 0.." + (origin.config().keys() - 1) + ")\n");
      return;
    }
    writes.write(exchange, key);
  }

  static FullHttpResponse text(HttpResponseStatus status, String text) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(text, java.nio.charset.StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return response;
  }

  /**
   * Simulates the process dying: the write-behind queue (acknowledged writes not yet sent to the origin) is lost
   * and the cache is empty. Returns how many acknowledged writes were lost.
   */
  public long crash() {
    long lost = writes.lose();
    writes.lostWrites.add(lost);
    writes.crashes.increment();
    cache.clear();
    log.info("cache crash: {} acknowledged write(s) lost", lost);
    return lost;
  }

  // ---- stats and admin ---------------------------------------------------------------------------------------

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("strategy", strategyName);
    out.put("writeStrategy", config.write().cliName());
    out.put("capacity", cache.policy().capacity());
    out.put("entries", cache.size());
    counters.putReads(out);
    out.put("evictions", cache.evictions());
    out.put("droppedReadEvents", cache.droppedReads());
    counters.putStaleness(out);
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
    out.put("writeBehind", writes.stats());
    out.put("watchedKey", counters.watched(config.watchKey()));
    out.put("policy", cache.policy().stats());
    Map<String, Object> series = counters.perSecond();
    series.put("originRequests", origin.perSecond());
    out.put("perSecond", series);
    return out;
  }

  @Override
  public void reset() {
    counters.reset();
    writes.reset();
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
          "entries", cache.size(), "ready", reads.isReady()));
      case "crash" -> AdminResponse.ok(Map.of("lostWrites", crash()));
      case "clear" -> {
        cache.clear();
        yield AdminResponse.ok(Map.of("cleared", true));
      }
      case "flush" -> {
        writes.flush();
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
    long stale = freshness.staleUntil(expires);
    Entry changed = new Entry(current.version(), current.negative(), expires, stale, current.fetchNanos());
    boolean stored = cache.putIf(key, changed, 1, e -> e != null && e.version() == current.version());
    return stored ? AdminResponse.ok(Map.of("key", key, "expiresInMillis", in))
        : AdminResponse.error(409, "key " + key + " changed meanwhile; try again");
  }

  @Override
  public void close() {
    writes.close();
  }
}
