package io.strategybench.cache;

import com.google.common.hash.Hashing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.strategybench.server.Exchange;
import io.strategybench.server.ResponseTap;
import io.strategybench.server.Stage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cache stage in front of another stage, as in an API gateway: a bounded cache run by a {@link CachePolicy},
 * keyed by the request's path and query, that answers a GET it holds and passes a miss on to the next stage,
 * keeping the 200 response that comes back (up to {@link ResponseTap#MAX_BYTES} bytes, not {@code no-store}) for
 * its TTL. Any other method passes on and drops the cached copy of its path (cache-aside). {@code If-None-Match}
 * naming a cached {@code ETag} gets 304. Hits carry {@code x-cache: HIT}.
 *
 * <p>Unlike {@link CacheStage}, which owns a simulated origin and its versions to measure write strategies,
 * staleness and the protections, this stage knows nothing of what is behind it.
 */
public final class ForwardingCacheStage implements Stage {
  /** One kept response. */
  private record Kept(String uri, int status, HttpHeaders headers, byte[] body, long expiresAt) {}

  private static final List<CharSequence> NOT_KEPT = List.of(HttpHeaderNames.CONTENT_LENGTH,
      HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.CONNECTION, HttpHeaderNames.DATE, "x-cache");

  private final String strategyName;
  private final PolicyCache<Kept> cache;
  private final Freshness freshness;
  private final ConcurrentHashMap<String, LongAdder> notKept = new ConcurrentHashMap<>();
  private final LongAdder reads = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder kept = new LongAdder();
  private final LongAdder notModified = new LongAdder();
  private final LongAdder passedThrough = new LongAdder();
  private final LongAdder invalidations = new LongAdder();

  /**
   * @param policy the eviction policy, sized in entries
   * @param strategyName its name, for the stats
   * @param ttlNanos how long a kept response is served; 0: until evicted
   * @param ttlJitter each TTL drawn from ttl x (1 +- ttlJitter)
   */
  public ForwardingCacheStage(CachePolicy policy, String strategyName, long ttlNanos, double ttlJitter) {
    if (policy instanceof ClairvoyantPolicy) {
      throw new IllegalArgumentException("cache strategy '" + strategyName + "' reads the future and runs in the"
          + " simulate lens only; choose another for the target");
    }
    this.strategyName = strategyName;
    this.cache = new PolicyCache<>(policy);
    this.freshness = new Freshness(ttlNanos, ttlJitter, 0, 0);
  }

  @Override
  public String name() {
    return "cache";
  }

  /** The cache key of a path and query: 62 bits of its Murmur3 hash (the kept entry holds the path to check). */
  static long keyOf(String uri) {
    return Hashing.murmur3_128().hashString(uri, StandardCharsets.UTF_8).asLong() & (PolicyCache.KEY_LIMIT - 1);
  }

  @Override
  public void handle(Exchange exchange) {
    HttpMethod method = exchange.request().method();
    String uri = exchange.request().uri();
    long key = keyOf(uri);
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      passedThrough.increment();
      if (cache.remove(key) != null) {
        invalidations.increment();
      }
      exchange.proceed();
      return;
    }
    reads.increment();
    Kept entry = cache.get(key);
    if (entry != null && entry.uri().equals(uri) && System.nanoTime() < entry.expiresAt()) {
      hits.increment();
      answer(exchange, entry);
      return;
    }
    misses.increment();
    exchange.proceedCapturing(new ResponseTap() {
      @Override
      public void completed(int status, HttpHeaders headers, ByteBuf body) {
        try {
          keep(uri, key, status, headers, body);
        } finally {
          body.release();
        }
      }

      @Override
      public void notCaptured(String why) {
        notKept(why);
      }
    });
  }

  private void keep(String uri, long key, int status, HttpHeaders headers, ByteBuf body) {
    if (status != 200) {
      notKept("status " + status);
      return;
    }
    String cacheControl = headers.get(HttpHeaderNames.CACHE_CONTROL, "");
    if (cacheControl.contains("no-store") || cacheControl.contains("private")) {
      notKept("Cache-Control: " + cacheControl);
      return;
    }
    HttpHeaders keptHeaders = new DefaultHttpHeaders().set(headers);
    NOT_KEPT.forEach(keptHeaders::remove);
    long expiresAt = freshness.fresh(0, 0).expiresAt();
    if (cache.put(key, new Kept(uri, status, keptHeaders, ByteBufUtil.getBytes(body), expiresAt), 1)) {
      kept.increment();
    } else {
      notKept("the policy did not admit it");
    }
  }

  private void notKept(String why) {
    notKept.computeIfAbsent(why, w -> new LongAdder()).increment();
  }

  private void answer(Exchange exchange, Kept entry) {
    String etag = entry.headers().get(HttpHeaderNames.ETAG);
    String condition = exchange.request().headers().get(HttpHeaderNames.IF_NONE_MATCH);
    FullHttpResponse response;
    if (etag != null && condition != null && (condition.equals(etag) || condition.equals("*"))) {
      notModified.increment();
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
      response.headers().set(HttpHeaderNames.ETAG, etag);
    } else {
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(entry.status()),
          Unpooled.wrappedBuffer(entry.body()));
      response.headers().set(entry.headers());
    }
    response.headers().set("x-cache", "HIT");
    exchange.respond(response);
  }

  @Override
  public Map<String, Object> stats() {
    long readCount = reads.sum();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("strategy", strategyName);
    out.put("mode", "in front of the next stage");
    out.put("capacity", cache.policy().capacity());
    out.put("entries", cache.size());
    out.put("reads", readCount);
    out.put("hits", hits.sum());
    out.put("hitRatio", readCount == 0 ? 0.0 : CacheCounters.round((double) hits.sum() / readCount));
    out.put("misses", misses.sum());
    out.put("kept", kept.sum());
    out.put("notModified", notModified.sum());
    out.put("passedThrough", passedThrough.sum());
    out.put("invalidations", invalidations.sum());
    out.put("evictions", cache.evictions());
    Map<String, Object> why = new LinkedHashMap<>();
    notKept.forEach((reason, count) -> why.put(reason, count.sum()));
    out.put("notKept", why);
    out.put("policy", cache.policy().stats());
    return out;
  }

  @Override
  public void reset() {
    for (LongAdder a : List.of(reads, hits, misses, kept, notModified, passedThrough, invalidations)) {
      a.reset();
    }
    notKept.clear();
    cache.resetCounters();
  }
}
