package io.strategybench.idempotency.redis;

import io.strategybench.idempotency.IdempotencyStore;
import io.strategybench.strategy.Strategy;

/**
 * The key as a Redis lock without fencing (the SET NX PX pattern, as a hash): begin creates the key's hash
 * (fingerprint, state {@code locked}) when it does not exist and PEXPIREs it after {@code lock-ttl-millis}; the
 * owner runs the effect and then stores the response over whatever the hash holds, unconditionally, and PEXPIREs it
 * after {@code ttl-seconds}.
 *
 * <p>What that promises: one effect per key across every instance sharing the Redis while each attempt finishes
 * within the lock's TTL. An attempt slower than that loses its lock without knowing: a retry takes the key and runs
 * the effect again (two effects), and the slow attempt then stores its response over the newer one. A crash after
 * the effect stores nothing, so a retry after the lock's TTL runs it again: at least once.
 */
@Strategy(name = "redis-setnx", summary = "a Redis lock per key (create if absent, expire after lock-ttl), no fencing",
    characteristics = {IdempotencyStore.SHARED, IdempotencyStore.REMOTE_STATE, IdempotencyStore.LOCK_TTL})
public final class RedisSetNxStore extends RedisStore {
  static final String BEGIN = """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'state', 'locked')
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return {0, 0}
      end
      """ + BEGIN_TAIL;

  static final String COMPLETE = """
      redis.call('HSET', KEYS[1], 'fp', ARGV[2], 'state', 'done', 'status', ARGV[3], 'body', ARGV[4])
      redis.call('PEXPIRE', KEYS[1], ARGV[5])
      return 1
      """;

  public RedisSetNxStore() {
    this(new RedisIdempotencySettings());
  }

  public RedisSetNxStore(RedisIdempotencySettings settings) {
    super(settings, BEGIN, COMPLETE);
  }

  @Override
  boolean fenced() {
    return false;
  }
}
