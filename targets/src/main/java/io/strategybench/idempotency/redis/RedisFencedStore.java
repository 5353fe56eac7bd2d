package io.strategybench.idempotency.redis;

import io.strategybench.idempotency.IdempotencyStore;
import io.strategybench.strategy.Strategy;

/**
 * The Redis lock with a fencing token (Kleppmann, "How to do distributed locking"): begin also INCRs the key's
 * fencing counter, keeps the token in the hash and answers it to the owner; the effect carries it, so a ledger that
 * has seen a higher token for the key refuses it ({@link io.strategybench.idempotency.Outcome.Fenced}); the
 * complete script stores only while the token is still this attempt's: the hash's token, or, when the hash expired
 * with its lock, the counter's (no attempt began since). Else it stores nothing and the attempt is fenced.
 *
 * <p>The counter expires {@code ttl-seconds} after the latest begin or store, never before the key's stored
 * response. The owner announces its token to the ledger before its effect ({@link
 * io.strategybench.idempotency.Effect#announce}), so a stale holder's effect is refused whether it reaches the ledger
 * before or after the newer holder's: a lock TTL shorter than the processing time costs a 409, never a second
 * order.
 */
@Strategy(name = "redis-fenced", summary = "a Redis lock per key with a fencing token the ledger and the store check",
    characteristics = {IdempotencyStore.SHARED, IdempotencyStore.REMOTE_STATE, IdempotencyStore.LOCK_TTL,
        IdempotencyStore.FENCED})
public final class RedisFencedStore extends RedisStore {
  static final String BEGIN = """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        local token = redis.call('INCR', KEYS[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'state', 'locked', 'token', token)
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return {0, token}
      end
      """ + BEGIN_TAIL;

  static final String COMPLETE = """
      local held = redis.call('HGET', KEYS[1], 'token')
      if held then
        if held ~= ARGV[1] then
          return 0
        end
      elseif redis.call('GET', KEYS[2]) ~= ARGV[1] then
        return 0
      end
      redis.call('HSET', KEYS[1], 'fp', ARGV[2], 'state', 'done', 'status', ARGV[3], 'body', ARGV[4],
        'token', ARGV[1])
      redis.call('PEXPIRE', KEYS[1], ARGV[5])
      redis.call('PEXPIRE', KEYS[2], ARGV[5])
      return 1
      """;

  public RedisFencedStore() {
    this(new RedisIdempotencySettings());
  }

  public RedisFencedStore(RedisIdempotencySettings settings) {
    super(settings, BEGIN, COMPLETE);
  }

  @Override
  boolean fenced() {
    return true;
  }
}
