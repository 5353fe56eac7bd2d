package io.strategybench.ratelimit;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.strategybench.server.Exchange;
import io.strategybench.server.ServerStats;
import io.strategybench.server.Stage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The rate-limit stage of the gateway: every rule that applies to a request (by route and plan) asks its own
 * limiter about the request's client key, and the request goes on only when all of them admit it. What
 * happens to a request over a limit is the {@link Throttle} choice: a 429 with {@code Retry-After} and
 * {@code RateLimit-*} headers, or a wait until it would be admitted (bounded in time and in how many
 * requests may wait), then a 429.
 *
 * <p>Rules are evaluated in order and each admission counts at once, as Envoy and nginx do: a request
 * admitted by the first rule and rejected by the second has still used its place under the first.
 * Concurrency limiters get their slot back when the exchange ends, whichever way it ends.
 *
 * <p>Remote limiters (Redis) answer asynchronously; the stage goes on on the client's event loop when the
 * answer arrives, and never blocks it.
 */
public final class RateLimitStage implements Stage {
  /** What happens to a request over the limit. */
  public enum Throttle {
    /** Answer 429 at once. */
    REJECT,
    /** Hold the request until the limiter would admit it, up to the maximum wait. */
    DELAY,
    /** Like delay, with a short maximum wait: a bounded queue in front of the limit, then 429. */
    QUEUE;

    public static Throttle parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("throttle must be reject, delay or queue, got '" + text + "'");
      }
    }
  }

  /**
   * How the stage applies its rules.
   *
   * @param rules the rules, evaluated in order
   * @param planSource where a request's plan is read (a header or a JWT claim); {@code defaultPlan} when absent
   * @param defaultPlan the plan of a request that names none
   * @param throttle what happens over the limit
   * @param maxWaitNanos longest a request may wait (delay and queue)
   * @param maxWaiting most requests waiting at once; beyond it, 429 at once
   * @param classHeader request header naming the client's class in the statistics (the load generator's
   *     well-behaved and abusive clients); not used to decide anything
   * @param trust the proxies whose {@code X-Forwarded-For} and plan header are believed ({@link ClientTrust#NONE}:
   *     none, the client is the peer and names no plan)
   * @param jwt verifies bearer tokens before a claim keys a limit or names a plan; null reads claims unverified
   *     for keys and ignores a plan claim
   */
  public record Config(List<RateLimitRule> rules, KeySource planSource, String defaultPlan, Throttle throttle,
      long maxWaitNanos, int maxWaiting, String classHeader, ClientTrust trust, JwtVerifier jwt) {
    /** Trusting no proxy and verifying no token. */
    public Config(List<RateLimitRule> rules, KeySource planSource, String defaultPlan, Throttle throttle,
        long maxWaitNanos, int maxWaiting, String classHeader) {
      this(rules, planSource, defaultPlan, throttle, maxWaitNanos, maxWaiting, classHeader, ClientTrust.NONE, null);
    }

    public Config {
      if (trust == null) {
        throw new IllegalArgumentException("the rate-limit stage needs a client trust (ClientTrust.NONE for none)");
      }
      if (rules.isEmpty()) {
        throw new IllegalArgumentException("the rate-limit stage needs at least one rule");
      }
      java.util.Set<String> names = new java.util.HashSet<>();
      for (RateLimitRule r : rules) {
        if (!names.add(r.name())) {
          throw new IllegalArgumentException("two rules are named '" + r.name() + "'; give each rule its own name=");
        }
      }
      if (maxWaitNanos < 0 || maxWaiting < 0) {
        throw new IllegalArgumentException("max wait and max waiting must not be negative");
      }
      rules = List.copyOf(rules);
    }
  }

  static final int TIMELINE_SECONDS = 900;
  private static final int MAX_CLASSES = 16;
  private static final int MAX_TRACKED_KEYS = 4096;
  private static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final String strategyName;
  private final Config config;
  private final RuleState[] rules;
  private final LongAdder requests = new LongAdder();
  private final LongAdder admitted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder unlimited = new LongAdder();
  private final LongAdder limiterErrors = new LongAdder();
  private final LongAdder unauthorized = new LongAdder();
  private final LongAdder untrustedPlans = new LongAdder();
  private final AtomicInteger waiting = new AtomicInteger();
  private final LongAdder waitedFull = new LongAdder();
  private final Map<String, ClassCounters> classes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> admittedByKey = new ConcurrentHashMap<>();
  private final Recorder decisionLatency = new Recorder(MAX_TRACKED_NANOS, 3);
  private final Recorder waitLatency = new Recorder(MAX_TRACKED_NANOS, 3);
  private final Histogram decisionTotal = new Histogram(MAX_TRACKED_NANOS, 3);
  private final Histogram waitTotal = new Histogram(MAX_TRACKED_NANOS, 3);
  private volatile long epochNanos = System.nanoTime();

  /**
   * @param strategyName the strategy every rule's limiter runs, for the stats
   * @param factory builds the limiter of one rule (the strategy with the rule's limit and window)
   */
  public RateLimitStage(String strategyName, Config config, Function<RateLimitRule, RateLimiter> factory) {
    this.strategyName = strategyName;
    this.config = config;
    this.rules = new RuleState[config.rules().size()];
    try {
      for (int i = 0; i < rules.length; i++) {
        RateLimitRule rule = config.rules().get(i);
        rules[i] = new RuleState(rule, factory.apply(rule));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public String name() {
    return "ratelimit";
  }

  @Override
  public void handle(Exchange exchange) {
    long start = System.nanoTime();
    requests.increment();
    String uri = exchange.request().uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String plan;
    try {
      plan = planOf(exchange);
    } catch (JwtVerifier.InvalidTokenException e) {
      unauthorized(exchange, e);
      return;
    }
    int n = 0;
    RuleState[] applicable = new RuleState[rules.length];
    for (RuleState r : rules) {
      if (r.rule.appliesTo(path, plan)) {
        applicable[n++] = r;
      }
    }
    if (n == 0) {
      unlimited.increment();
      exchange.proceed();
      return;
    }
    Pending p = new Pending(exchange, java.util.Arrays.copyOf(applicable, n), start, classOf(exchange));
    try {
      for (int i = 0; i < n; i++) {
        p.keys[i] = p.rules[i].rule.name() + ":" + p.rules[i].rule.key().extract(exchange, config.trust(), config.jwt());
      }
    } catch (JwtVerifier.InvalidTokenException e) {
      unauthorized(exchange, e);
      return;
    }
    evaluate(p);
  }

  /**
   * The request's plan. A plan header is believed only from a trusted proxy, and a plan claim only from a
   * verified token; anything else is on the default plan, since a client could name any plan it liked.
   */
  private String planOf(Exchange exchange) {
    String value = null;
    if (config.planSource() instanceof KeySource.Header h) {
      if (config.trust().fromTrustedProxy(exchange)) {
        value = exchange.request().headers().get(h.name());
      } else if (exchange.request().headers().contains(h.name())) {
        untrustedPlans.increment();
      }
    } else if (config.planSource() instanceof KeySource.JwtClaim j) {
      String authorization = exchange.request().headers().get(HttpHeaderNames.AUTHORIZATION);
      if (config.jwt() != null) {
        value = KeySource.JwtClaim.verifiedClaimOf(authorization, j.claim(), config.jwt());
      } else if (KeySource.JwtClaim.claimOf(authorization, j.claim()) != null) {
        untrustedPlans.increment();
      }
    }
    return value == null || value.isEmpty() ? config.defaultPlan() : value;
  }

  private void unauthorized(Exchange exchange, JwtVerifier.InvalidTokenException e) {
    unauthorized.increment();
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
        Unpooled.copiedBuffer("unauthorized: " + e.getMessage() + "\n", StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
    exchange.respond(response);
  }

  private ClassCounters classOf(Exchange exchange) {
    String name = config.classHeader() == null ? null : exchange.request().headers().get(config.classHeader());
    if (name == null || name.isEmpty() || name.length() > 32) {
      name = "all";
    }
    ClassCounters c = classes.get(name);
    if (c == null) {
      if (classes.size() >= MAX_CLASSES) {
        name = "other";
      }
      c = classes.computeIfAbsent(name, k -> new ClassCounters());
    }
    return c;
  }

  /** Asks the limiters of the remaining rules, in order; stops at the first remote call or refusal. */
  private void evaluate(Pending p) {
    if (p.exchange.isDone()) { // the client left while its request waited: use no more of its quota
      leaveWaiting(p);
      return;
    }
    while (p.index < p.rules.length) {
      RuleState r = p.rules[p.index];
      String key = p.keys[p.index];
      if (r.limiter.isRemote()) {
        CompletionStage<Decision> answer;
        try {
          answer = r.limiter.acquireAsync(key, System.nanoTime());
        } catch (RuntimeException e) {
          failed(p, r, e);
          return;
        }
        answer.whenComplete((decision, error) -> {
          if (p.exchange.eventLoop().inEventLoop()) {
            guarded(p, () -> remoteAnswered(p, decision, error));
          } else {
            try {
              p.exchange.eventLoop().execute(() -> guarded(p, () -> remoteAnswered(p, decision, error)));
            } catch (java.util.concurrent.RejectedExecutionException e) {
              leaveWaiting(p); // the server is shutting down; the connection goes with it
            }
          }
        });
        return;
      }
      Decision d;
      try {
        d = r.limiter.acquire(key, System.nanoTime());
      } catch (RuntimeException e) {
        failed(p, r, e);
        return;
      }
      if (!apply(p, d)) {
        return;
      }
    }
    pass(p);
  }

  /** Runs a continuation of {@code p}; whatever it throws answers the request instead of leaving it hanging. */
  private void guarded(Pending p, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      failed(p, p.rules[Math.min(p.index, p.rules.length - 1)], e);
    }
  }

  /** Runs {@code step} for {@code p} after {@code delayNanos} on its event loop. */
  private void later(Pending p, Runnable step, long delayNanos) {
    try {
      p.exchange.eventLoop().schedule(() -> guarded(p, step), delayNanos, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      leaveWaiting(p); // the server is shutting down; the connection goes with it
    }
  }

  private void remoteAnswered(Pending p, Decision decision, Throwable error) {
    if (error == null && decision == null) {
      error = new IllegalStateException("the limiter answered no decision");
    }
    if (error != null) {
      failed(p, p.rules[p.index], error);
    } else if (apply(p, decision)) {
      evaluate(p);
    }
  }

  private void failed(Pending p, RuleState r, Throwable error) {
    limiterErrors.increment();
    leaveWaiting(p);
    if (!p.exchange.isDone()) {
      p.exchange.respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "rate limiter of rule '" + r.rule.name()
          + "' failed: " + error + "\n");
    }
  }

  /** Applies one rule's decision; true when the next rule should be asked. */
  private boolean apply(Pending p, Decision d) {
    RuleState r = p.rules[p.index];
    String key = p.keys[p.index];
    if (p.exchange.isDone()) { // the client left while the limiter was deciding
      if (d.admitted() && r.limiter.needsRelease()) {
        r.limiter.cancel(key, System.nanoTime());
      }
      leaveWaiting(p);
      return false;
    }
    long now = System.nanoTime();
    if (d.admitted()) {
      if (r.limiter.needsRelease()) {
        // Adaptive limiters learn from the service's answer: its time from when the request went on, and
        // whether it failed. A request that never went on (a later rule refused it, the client left) only
        // gives its slot back.
        RateLimiter limiter = r.limiter;
        p.exchange.whenDone(status -> {
          long end = System.nanoTime();
          if (p.proceededAt == 0) {
            limiter.cancel(key, end);
          } else {
            limiter.release(key, end, end - p.proceededAt, status >= 500);
          }
        });
      }
      r.admitted.increment();
      if (d.delayNanos() > 0) {
        r.delayed.increment();
        if (d.delayNanos() > p.delayNanos) {
          p.delayNanos = d.delayNanos();
          p.delayDecision = d;
          p.delayRule = r;
        }
      }
      p.index++;
      return true;
    }
    long waited = now - p.startNanos;
    long retry = Math.max(d.retryAfterNanos(), TimeUnit.MILLISECONDS.toNanos(1));
    if (config.throttle() != Throttle.REJECT && waited + retry <= config.maxWaitNanos() && enterWaiting(p)) {
      r.waits.increment();
      later(p, () -> evaluate(p), retry);
      return false;
    }
    if (p.waiting) {
      r.timedOut.increment();
    }
    reject(p, r, d, waited);
    return false;
  }

  private boolean enterWaiting(Pending p) {
    if (p.waiting) {
      return true;
    }
    if (waiting.incrementAndGet() > config.maxWaiting()) {
      waiting.decrementAndGet();
      waitedFull.increment();
      return false;
    }
    p.waiting = true;
    p.waitedAtAll = true;
    return true;
  }

  private void leaveWaiting(Pending p) {
    if (p.waiting) {
      p.waiting = false;
      waiting.decrementAndGet();
    }
  }

  /**
   * Every rule admitted: go on now, or after the longest delay a rule asked for (the leaky bucket as a queue,
   * whose burst bounds the delay). A delayed request counts among the waiting ones; when they are full it is
   * refused instead.
   */
  private void pass(Pending p) {
    if (p.delayNanos > 0) {
      long delay = p.delayNanos;
      p.delayNanos = 0;
      if (!enterWaiting(p)) {
        Decision d = p.delayDecision;
        reject(p, p.delayRule, Decision.reject(d.limit(), delay, d.resetNanos()), System.nanoTime() - p.startNanos);
        return;
      }
      p.waitedAtAll = true;
      later(p, () -> pass(p), delay);
      return;
    }
    leaveWaiting(p);
    if (p.exchange.isDone()) {
      return;
    }
    long now = System.nanoTime();
    if (p.waitedAtAll) {
      waitLatency.recordValue(Math.min(now - p.startNanos, MAX_TRACKED_NANOS));
    } else {
      decisionLatency.recordValue(Math.min(Math.max(now - p.startNanos, 0), MAX_TRACKED_NANOS));
    }
    admitted.increment();
    p.counters.admitted.increment();
    p.counters.admittedBySecond.incrementAndGet(second(now));
    for (String key : p.keys) {
      LongAdder perKey = admittedByKey.get(key);
      if (perKey == null && admittedByKey.size() < MAX_TRACKED_KEYS) {
        perKey = admittedByKey.computeIfAbsent(key, k -> new LongAdder());
      }
      if (perKey != null) {
        perKey.increment();
      }
    }
    p.proceededAt = System.nanoTime();
    p.exchange.proceed();
  }

  private void reject(Pending p, RuleState r, Decision d, long waitedNanos) {
    leaveWaiting(p);
    long now = System.nanoTime();
    rejected.increment();
    r.rejected.increment();
    p.counters.rejected.increment();
    p.counters.rejectedBySecond.incrementAndGet(second(now));
    if (!p.waitedAtAll) {
      decisionLatency.recordValue(Math.min(Math.max(now - p.startNanos, 0), MAX_TRACKED_NANOS));
    }
    long retrySeconds = Math.max(1, ceilSeconds(d.retryAfterNanos()));
    String body = "rate limit exceeded: rule '" + r.rule.name() + "' admits " + r.rule.limit() + " per "
        + r.rule.windowMillis() + " ms per " + r.rule.key() + (p.waitedAtAll
            ? "; waited " + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms" : "")
        + "; retry after " + retrySeconds + " s\n";
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.TOO_MANY_REQUESTS, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .set(HttpHeaderNames.RETRY_AFTER, retrySeconds)
        .set("RateLimit-Limit", d.limit())
        .set("RateLimit-Remaining", d.remaining())
        .set("RateLimit-Reset", Math.max(ceilSeconds(d.resetNanos()), retrySeconds))
        .set("RateLimit-Policy", d.limit() + ";w=" + Math.max(1, ceilSeconds(r.rule.windowMillis() * 1_000_000L)))
        .set("X-RateLimit-Rule", r.rule.name());
    p.exchange.respond(response);
  }

  private static long ceilSeconds(long nanos) {
    return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
  }

  private int second(long now) {
    long s = (now - epochNanos) / 1_000_000_000L;
    return (int) Math.min(Math.max(s, 0), TIMELINE_SECONDS - 1);
  }

  @Override
  public synchronized Map<String, Object> stats() {
    long now = System.nanoTime();
    decisionTotal.add(decisionLatency.getIntervalHistogram());
    waitTotal.add(waitLatency.getIntervalHistogram());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("strategy", strategyName);
    out.put("throttle", config.throttle().name().toLowerCase(Locale.ROOT));
    out.put("requests", requests.sum());
    out.put("admitted", admitted.sum());
    out.put("rejected", rejected.sum());
    out.put("unlimited", unlimited.sum());
    out.put("limiterErrors", limiterErrors.sum());
    out.put("unauthorized", unauthorized.sum());
    out.put("untrustedPlans", untrustedPlans.sum());
    out.put("trustedProxies", config.trust().toString());
    out.put("jwtVerified", config.jwt() != null);
    out.put("waitingNow", waiting.get());
    out.put("waitQueueFull", waitedFull.sum());
    out.put("decisionLatency", ServerStats.latencyMap(decisionTotal));
    out.put("waitLatency", ServerStats.latencyMap(waitTotal));
    List<Map<String, Object>> perRule = new ArrayList<>();
    for (RuleState r : rules) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.rule.name());
      m.put("spec", r.rule.spec());
      m.put("limit", r.rule.limit());
      m.put("windowMillis", r.rule.windowMillis());
      m.put("admitted", r.admitted.sum());
      m.put("rejected", r.rejected.sum());
      m.put("delayed", r.delayed.sum());
      m.put("waits", r.waits.sum());
      m.put("timedOut", r.timedOut.sum());
      m.put("limiter", r.limiter.stats());
      perRule.add(m);
    }
    out.put("rules", perRule);
    // the per-key state of every rule's limiter (in-memory strategies): kept, evicted over the cap, expired idle
    long keptKeys = 0;
    long evictedKeys = 0;
    long expiredKeys = 0;
    for (RuleState r : rules) {
      Map<String, Object> s = r.limiter.stats();
      keptKeys += s.get("keys") instanceof Number n ? n.longValue() : 0;
      evictedKeys += s.get("evictedKeys") instanceof Number n ? n.longValue() : 0;
      expiredKeys += s.get("expiredKeys") instanceof Number n ? n.longValue() : 0;
    }
    out.put("limiterKeys", keptKeys);
    out.put("evictedKeys", evictedKeys);
    out.put("expiredKeys", expiredKeys);
    int seconds = Math.min(second(now) + 1, TIMELINE_SECONDS);
    Map<String, Object> perClass = new LinkedHashMap<>();
    classes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      ClassCounters c = e.getValue();
      Map<String, Object> m = new LinkedHashMap<>();
      long a = c.admitted.sum();
      long rj = c.rejected.sum();
      m.put("admitted", a);
      m.put("rejected", rj);
      m.put("rejectedShare", a + rj == 0 ? 0.0 : Math.round(1000.0 * rj / (a + rj)) / 1000.0);
      List<Long> as = new ArrayList<>();
      List<Long> rs = new ArrayList<>();
      for (int i = 0; i < seconds; i++) {
        as.add(c.admittedBySecond.get(i));
        rs.add(c.rejectedBySecond.get(i));
      }
      m.put("admittedPerSecond", as);
      m.put("rejectedPerSecond", rs);
      perClass.put(e.getKey(), m);
    });
    out.put("classes", perClass);
    Map<String, Long> keys = new LinkedHashMap<>();
    admittedByKey.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue().sum()))
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
        .limit(50)
        .forEachOrdered(e -> keys.put(e.getKey(), e.getValue()));
    out.put("topKeysAdmitted", keys);
    out.put("trackedKeys", admittedByKey.size());
    return out;
  }

  @Override
  public synchronized void reset() {
    epochNanos = System.nanoTime();
    for (LongAdder a : List.of(requests, admitted, rejected, unlimited, limiterErrors, waitedFull, unauthorized,
        untrustedPlans)) {
      a.reset();
    }
    for (RuleState r : rules) {
      r.admitted.reset();
      r.rejected.reset();
      r.delayed.reset();
      r.waits.reset();
      r.timedOut.reset();
    }
    classes.clear();
    admittedByKey.clear();
    decisionLatency.reset();
    waitLatency.reset();
    decisionTotal.reset();
    waitTotal.reset();
  }

  @Override
  public void close() {
    for (RuleState r : rules) {
      if (r != null) {
        try {
          r.limiter.close();
        } catch (RuntimeException e) {
          // closing the others matters more
        }
      }
    }
  }

  private static final class RuleState {
    final RateLimitRule rule;
    final RateLimiter limiter;
    final LongAdder admitted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder delayed = new LongAdder();
    final LongAdder waits = new LongAdder();
    final LongAdder timedOut = new LongAdder();

    RuleState(RateLimitRule rule, RateLimiter limiter) {
      this.rule = rule;
      this.limiter = limiter;
    }
  }

  private static final class ClassCounters {
    final LongAdder admitted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final AtomicLongArray admittedBySecond = new AtomicLongArray(TIMELINE_SECONDS);
    final AtomicLongArray rejectedBySecond = new AtomicLongArray(TIMELINE_SECONDS);
  }

  /** One request on its way through the rules; touched only on its event loop. */
  private static final class Pending {
    final Exchange exchange;
    final RuleState[] rules;
    final String[] keys;
    final long startNanos;
    final ClassCounters counters;
    int index;
    long delayNanos;
    Decision delayDecision;
    RuleState delayRule;
    /** When the request went on to the next stage; 0 while it has not. */
    long proceededAt;
    boolean waiting;
    boolean waitedAtAll;

    Pending(Exchange exchange, RuleState[] rules, long startNanos, ClassCounters counters) {
      this.exchange = exchange;
      this.rules = rules;
      this.keys = new String[rules.length];
      this.startNanos = startNanos;
      this.counters = counters;
    }
  }
}
