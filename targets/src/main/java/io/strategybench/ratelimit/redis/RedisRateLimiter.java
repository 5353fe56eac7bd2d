package io.strategybench.ratelimit.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.strategybench.ratelimit.Decision;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Strategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Redis rate limiters share: each decision is ONE atomic Lua script run server-side with EVALSHA
 * (EVAL when Redis answers NOSCRIPT, e.g. after a restart emptied its script cache), so any number of
 * gateway instances pointing at the same Redis enforce one limit together.
 *
 * <p>Every script gets {@code KEYS[1] = key-prefix + strategy name + ":" + client key} and
 * {@code ARGV = [now, limit, window]} (+ its own), all in integer microseconds: {@code now} is empty for
 * {@link RedisSettings.TimeSource#REDIS} (the script reads {@code redis.call('TIME')}) or the caller's
 * {@code nowNanos / 1000} for {@link RedisSettings.TimeSource#CALLER}. Lua numbers are doubles, which hold
 * microsecond timestamps exactly. Every script answers
 * {@code {admitted, limit, remaining, retry_after_us, reset_after_us, now_us}}.
 *
 * <p>Failures: a Redis error, a timeout ({@code timeout-millis}) or a disconnected client makes the decision
 * follow {@code on-failure} (open admits, closed rejects); it is counted in {@link #stats()} and logged at
 * most once a second. Nothing blocks: {@link #acquireAsync} never waits, and while Redis is down the client
 * rejects commands at once. When Redis is back, the client has reconnected by itself and the next call uses
 * Redis again.
 */
public abstract class RedisRateLimiter implements RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Reads the clock ({@code now}, microseconds) and the common arguments; helpers for the scripts. */
  static final String PRELUDE = """
      local now
      if ARGV[1] == '' then
        local t = redis.call('TIME')
        now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      else
        now = tonumber(ARGV[1])
      end
      local limit = tonumber(ARGV[2])
      local window = tonumber(ARGV[3])
      local function fmt(n) return string.format('%.0f', n) end
      local function ttl_ms(us) return math.max(1, math.ceil(us / 1000)) end
      local function floordiv(a, b)
        local q = math.floor(a / b)
        if q * b > a then q = q - 1 elseif (q + 1) * b <= a then q = q + 1 end
        return q
      end
      """;

  /** Sees every decision Redis made, with Redis's time; for tests. */
  interface DecisionListener {
    void decided(String key, long nowMicros, Decision decision);
  }

  private final String name;
  private final RedisSettings settings;
  private final String script;
  private final String sha;
  private final String prefix;
  private final RedisConnections.Lease lease;
  private final StatefulRedisConnection<String, String> connection;
  private final long timeoutMillis;
  private final String[] extraArgs;

  private final LongAdder calls = new LongAdder();
  private final LongAdder redisErrors = new LongAdder();
  private final LongAdder failOpenAdmits = new LongAdder();
  private final LongAdder failClosedRejects = new LongAdder();
  private final LongAdder scriptReloads = new LongAdder();
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
  private final AtomicLong unloggedErrors = new AtomicLong();

  volatile DecisionListener listener;

  /**
   * Connects (or shares a connection) and loads the script.
   *
   * @param body the script after {@link #PRELUDE}
   * @param extraArgs ARGV[4...] of every call
   * @param sharedConnection false to open a connection of its own (tests playing several instances)
   * @throws InvalidParameterException naming {@code redis} when Redis cannot be reached
   */
  RedisRateLimiter(RedisSettings settings, String body, List<String> extraArgs, boolean sharedConnection) {
    this.name = nameOf(getClass());
    this.settings = settings;
    this.script = PRELUDE + body;
    this.prefix = settings.keyPrefix + name + ":";
    this.timeoutMillis = settings.timeoutMillis;
    this.extraArgs = extraArgs.toArray(String[]::new);
    String uri = settings.redis.trim();
    RedisConnections.Lease opened;
    try {
      opened = RedisConnections.open(uri, timeoutMillis, sharedConnection);
    } catch (RuntimeException e) {
      throw unreachable(uri, e);
    }
    this.lease = opened;
    this.connection = opened.connection();
    try {
      this.sha = connection.sync().scriptLoad(script);
    } catch (RuntimeException e) {
      opened.close();
      throw unreachable(uri, e);
    }
  }

  private InvalidParameterException unreachable(String uri, Throwable e) {
    return new InvalidParameterException("redis", "parameter 'redis' of " + FAMILY.name() + " strategy '" + name
        + "': cannot reach Redis at " + uri + " (" + io.strategybench.redis.RedisClients.causeOf(e) + "); start redis-server or set -p redis=URI");
  }

  private static String nameOf(Class<?> type) {
    Strategy strategy = type.getAnnotation(Strategy.class);
    return strategy == null ? type.getSimpleName() : strategy.name();
  }

  /** The strategy's name, as in its {@link Strategy} annotation. */
  public String name() {
    return name;
  }

  /** The Redis key of a client key: key-prefix + strategy name + ":" + key (some strategies add suffixes). */
  public String redisKey(String key) {
    return prefix + key;
  }

  /** Whether the strategy keeps one key per window, {@code redisKey(key) + ":" + windowNumber}. */
  boolean windowedKeys() {
    return false;
  }

  /** How many windows' keys make up a key's state now: the current one, and the previous one for the counter. */
  int windowsKept() {
    return 1;
  }

  /** The limit the headers show when Redis cannot answer. */
  long headerLimit() {
    return settings.limit;
  }

  @Override
  public boolean isRemote() {
    return true;
  }

  @Override
  public Decision acquire(String key, long nowNanos) {
    CompletableFuture<Decision> future = acquireAsync(key, nowNanos).toCompletableFuture();
    try {
      // acquireAsync times out by itself; this bound only guards against a stage that never completes.
      return future.get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(e);
    } catch (ExecutionException | TimeoutException e) {
      return failed(e);
    }
  }

  @Override
  public CompletionStage<Decision> acquireAsync(String key, long nowNanos) {
    calls.increment();
    String[] keys = {redisKey(key)};
    String[] args = new String[3 + extraArgs.length];
    args[0] = settings.time == RedisSettings.TimeSource.REDIS ? "" : Long.toString(Math.floorDiv(nowNanos, 1000L));
    args[1] = Long.toString(settings.limit);
    args[2] = Long.toString(settings.windowMicros());
    System.arraycopy(extraArgs, 0, args, 3, extraArgs.length);
    CompletableFuture<List<Object>> answer;
    try {
      answer = connection.async().<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args)
          .toCompletableFuture()
          .exceptionallyCompose(e -> {
            if (isNoScript(e)) {
              scriptReloads.increment();
              return connection.async().<List<Object>>eval(script, ScriptOutputType.MULTI, keys, args)
                  .toCompletableFuture();
            }
            return CompletableFuture.failedFuture(e);
          });
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .handle((result, error) -> {
          if (error != null) {
            return failed(error);
          }
          try {
            return decide(key, result);
          } catch (RuntimeException e) {
            return failed(e);
          }
        });
  }

  private static boolean isNoScript(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private Decision decide(String key, List<Object> result) {
    if (result == null || result.size() < 6) {
      return failed(new IllegalStateException("unexpected script answer " + result));
    }
    boolean admitted = number(result.get(0)) == 1;
    long limit = number(result.get(1));
    long remaining = number(result.get(2));
    long retryNanos = Math.max(0, number(result.get(3))) * 1000L;
    long resetNanos = Math.max(0, number(result.get(4))) * 1000L;
    Decision decision = admitted
        ? Decision.admit(limit, remaining, resetNanos)
        : Decision.reject(limit, retryNanos, resetNanos);
    long nowMicros = number(result.get(5));
    lastNowMicros.accumulateAndGet(nowMicros, Math::max);
    DecisionListener l = listener;
    if (l != null) {
      l.decided(key, nowMicros, decision);
    }
    return decision;
  }

  private static long number(Object o) {
    if (o instanceof Number n) {
      return n.longValue();
    }
    return Long.parseLong(String.valueOf(o));
  }

  private Decision failed(Throwable error) {
    redisErrors.increment();
    logFailure(error);
    if (settings.onFailure == RedisSettings.FailurePolicy.OPEN) {
      failOpenAdmits.increment();
      return Decision.admit(headerLimit(), 0, 0);
    }
    failClosedRejects.increment();
    long retry = Math.min(settings.windowNanos(), TimeUnit.SECONDS.toNanos(1));
    return Decision.reject(headerLimit(), retry, settings.windowNanos());
  }

  private void logFailure(Throwable error) {
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
      long suppressed = unloggedErrors.getAndSet(0);
      Throwable shown = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      LOG.warn("{}: Redis at {} did not answer ({}); failing {}{}", name, settings.redis, shown,
          settings.onFailure.name().toLowerCase(java.util.Locale.ROOT),
          suppressed > 0 ? " (" + suppressed + " more failures since the last message)" : "");
    } else {
      unloggedErrors.incrementAndGet();
    }
  }

  /** Redis {@code MEMORY USAGE} of the key(s) holding {@code key}'s state; 0 when there is none. */
  @Override
  public long remoteStateBytes(String key) {
    RedisCommands<String, String> sync = connection.sync();
    String base = redisKey(key);
    long bytes = 0;
    Long own = sync.memoryUsage(base);
    if (own != null) {
      bytes += own;
    }
    long now = lastNowMicros.get();
    if (windowedKeys() && now != Long.MIN_VALUE) {
      // The windows the algorithm still reads, from the latest time a script saw: older windows' keys may
      // outlive their use under a virtual clock, whose windows pass faster than their keys' real TTLs.
      long window = Math.floorDiv(now, settings.windowMillis * 1000L);
      for (int i = 0; i < windowsKept(); i++) {
        Long usage = sync.memoryUsage(base + ":" + (window - i));
        if (usage != null) {
          bytes += usage;
        }
      }
    }
    return bytes;
  }

  /** The latest Redis or caller time a script returned, in microseconds. */
  private final AtomicLong lastNowMicros = new AtomicLong(Long.MIN_VALUE);

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("calls", calls.sum());
    stats.put("redisErrors", redisErrors.sum());
    stats.put("failOpenAdmits", failOpenAdmits.sum());
    stats.put("failClosedRejects", failClosedRejects.sum());
    stats.put("scriptReloads", scriptReloads.sum());
    stats.put("redis", settings.redis);
    stats.put("time", settings.time.name().toLowerCase(java.util.Locale.ROOT));
    stats.put("onFailure", settings.onFailure.name().toLowerCase(java.util.Locale.ROOT));
    return stats;
  }

  @Override
  public void close() {
    lease.close();
  }
}
