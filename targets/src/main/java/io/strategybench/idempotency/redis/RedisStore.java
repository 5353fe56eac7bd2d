package io.strategybench.idempotency.redis;

import io.lettuce.core.ScriptOutputType;
import io.strategybench.idempotency.Attempt;
import io.strategybench.idempotency.Effect;
import io.strategybench.idempotency.IdempotencyStore;
import io.strategybench.idempotency.Outcome;
import io.strategybench.idempotency.StoredResponse;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Strategy;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Redis stores share: an attempt is two atomic Lua scripts around the effect. The begin script answers
 * {@code {0, token}} to the attempt that now owns the key (its hash created, state {@code locked}, expiring after
 * {@code lock-ttl-millis}), {@code {1, status, body}} for a stored response, {@code {2}} while another attempt
 * holds the key, {@code {3}} for another fingerprint. The owner runs the effect, then the complete script stores
 * the response (state {@code done}, status, body; expiring after {@code ttl-seconds}) and answers 1, or 0 when it
 * refused to store.
 *
 * <p>Keys: {@code KEYS[1] = key-prefix + strategy + ":key:" + key} (the hash), {@code KEYS[2] = key-prefix +
 * strategy + ":fence:" + key} (the fencing counter, for the stores that use one). Begin's ARGV: fingerprint,
 * lock TTL ms, TTL ms; complete's: token, fingerprint, status, body, TTL ms. Values travel as bytes, so a body is
 * replayed byte for byte.
 *
 * <p>Failures: a Redis error or timeout ({@code timeout-millis}) makes the attempt {@link Outcome.Failed}, leaving
 * the key as Redis has it (a lock taken by a begin whose answer was lost expires after its TTL). Nothing blocks.
 */
abstract class RedisStore implements IdempotencyStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  static final long OWNER = 0;
  static final long REPLAYED = 1;
  static final long IN_FLIGHT = 2;
  static final long MISMATCH = 3;

  /** The answers of begin to an attempt that does not own the key; a begin script appends it. */
  static final String BEGIN_TAIL = """
      local v = redis.call('HMGET', KEYS[1], 'fp', 'state', 'status', 'body')
      if v[1] ~= ARGV[1] then
        return {3}
      end
      if v[2] == 'done' then
        return {1, tonumber(v[3]), v[4]}
      end
      return {2}
      """;

  private final String name;
  private final RedisIdempotencySettings settings;
  private final String prefix;
  private final RedisLink link;
  private final RedisLink.Script begin;
  private final RedisLink.Script complete;
  private final byte[] lockTtlMillis;
  private final byte[] ttlMillis;

  private final LongAdder owners = new LongAdder();
  private final LongAdder replays = new LongAdder();
  private final LongAdder inFlight = new LongAdder();
  private final LongAdder mismatches = new LongAdder();
  private final LongAdder fencedByLedger = new LongAdder();
  private final LongAdder fencedByStore = new LongAdder();
  private final LongAdder crashed = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

  /**
   * Connects and loads the scripts.
   *
   * @throws InvalidParameterException naming {@code url} when Redis cannot be reached
   */
  RedisStore(RedisIdempotencySettings settings, String beginScript, String completeScript) {
    settings.validate();
    this.name = getClass().getAnnotation(Strategy.class).name();
    this.settings = settings;
    this.prefix = settings.keyPrefix + name + ":";
    this.lockTtlMillis = bytes(settings.lockTtlMillis);
    this.ttlMillis = bytes(settings.ttlSeconds * 1000);
    String uri = settings.uri();
    RedisLink opened;
    try {
      opened = RedisLink.open(uri, settings.timeoutMillis);
    } catch (RuntimeException e) {
      throw unreachable(uri, e);
    }
    try {
      this.begin = opened.load(beginScript);
      this.complete = opened.load(completeScript);
    } catch (RuntimeException e) {
      opened.close();
      throw unreachable(uri, e);
    }
    this.link = opened;
  }

  private InvalidParameterException unreachable(String uri, Throwable e) {
    return new InvalidParameterException("url", io.strategybench.redis.RedisClients.unreachable("parameter 'url' of " + FAMILY.name()
        + " strategy '" + name + "'", uri, e) + ", or set -p url=URI");
  }

  /** Whether the effect gets the lock's fencing token (else 0). */
  abstract boolean fenced();

  /** The strategy's name, as in its {@link Strategy} annotation. */
  public String name() {
    return name;
  }

  /** The Redis key of the hash that holds {@code key}'s state. */
  public String hashKey(String key) {
    return prefix + "key:" + key;
  }

  /** The Redis key of {@code key}'s fencing counter. */
  public String fenceKey(String key) {
    return prefix + "fence:" + key;
  }

  @Override
  public CompletionStage<Outcome> execute(Attempt attempt, Effect effect) {
    String[] keys = {hashKey(attempt.key()), fenceKey(attempt.key())};
    byte[] fingerprint = attempt.fingerprint().getBytes(StandardCharsets.UTF_8);
    return link.<List<Object>>eval(begin, ScriptOutputType.MULTI, keys, fingerprint, lockTtlMillis, ttlMillis)
        .thenCompose(reply -> {
          long code = (Long) reply.get(0);
          if (code == REPLAYED) {
            replays.increment();
            return done(new Outcome.Replayed(new StoredResponse(((Long) reply.get(1)).intValue(),
                (byte[]) reply.get(2))));
          } else if (code == IN_FLIGHT) {
            inFlight.increment();
            return done(new Outcome.InFlight());
          } else if (code == MISMATCH) {
            mismatches.increment();
            return done(new Outcome.Mismatch());
          }
          owners.increment();
          long token = (Long) reply.get(1);
          if (attempt.crash() == Attempt.CrashPoint.HOLDING_LOCK) {
            crashed.increment();
            return done(new Outcome.Crashed());
          }
          CompletionStage<Void> announced = fenced() ? effect.announce(attempt.key(), token)
              : CompletableFuture.completedFuture(null);
          return announced.thenCompose(ignored -> effect.apply(attempt.key(), fenced() ? token : 0))
              .thenCompose(response -> {
            if (response == null) {
              fencedByLedger.increment();
              return done(new Outcome.Fenced());
            }
            if (attempt.crash() == Attempt.CrashPoint.AFTER_EFFECT) {
              crashed.increment();
              return done(new Outcome.Crashed());
            }
            return link.<Long>eval(complete, ScriptOutputType.INTEGER, keys, bytes(token), fingerprint,
                    bytes(response.status()), response.body(), ttlMillis)
                .thenApply(stored -> {
                  if (stored == 1L) {
                    return (Outcome) new Outcome.Processed(response);
                  }
                  fencedByStore.increment();
                  return new Outcome.Fenced();
                });
          });
        })
        .exceptionally(this::failed);
  }

  private static CompletableFuture<Outcome> done(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }

  private Outcome failed(Throwable e) {
    failures.increment();
    String why = name + ": Redis at " + link.uri() + ": " + io.strategybench.redis.RedisClients.causeOf(e);
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
      LOG.warn("{} (failures so far: {})", why, failures.sum());
    }
    return new Outcome.Failed(why);
  }

  static byte[] bytes(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("owners", owners.sum());
    stats.put("replays", replays.sum());
    stats.put("inFlight", inFlight.sum());
    stats.put("mismatches", mismatches.sum());
    stats.put("fencedByLedger", fencedByLedger.sum());
    stats.put("fencedByStore", fencedByStore.sum());
    stats.put("crashed", crashed.sum());
    stats.put("redisFailures", failures.sum());
    stats.put("scriptReloads", link.scriptReloads());
    stats.put("url", settings.uri());
    return stats;
  }

  /** Deletes this strategy's keys (its prefix's only), waiting for Redis. */
  @Override
  public void reset() {
    RedisKeys.deleteByPrefix(link, prefix);
    owners.reset();
    replays.reset();
    inFlight.reset();
    mismatches.reset();
    fencedByLedger.reset();
    fencedByStore.reset();
    crashed.reset();
    failures.reset();
  }

  @Override
  public void close() {
    link.close();
  }
}
