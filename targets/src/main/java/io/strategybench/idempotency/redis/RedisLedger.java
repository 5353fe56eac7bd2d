package io.strategybench.idempotency.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.strategybench.idempotency.OrderLedger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A ledger in Redis, so that several target processes count their orders in one place. One atomic script creates
 * an order: unless its fence is positive and below the highest fence the key has seen (then it counts the refusal
 * and answers -1), it counts the key's order, raises the key's highest fence, counts the effect (and the key, for
 * its first order) and answers a new order id.
 *
 * <p>Keys, under {@code prefix}: {@code order:KEY} (a hash: {@code count}, {@code fence}), and the counters
 * {@code effects}, {@code keys}, {@code fenced-out}, {@code ids}. Nothing expires: orders are kept until
 * {@link #reset()}, which deletes this prefix's keys and no others.
 */
public final class RedisLedger implements OrderLedger {
  /** The default prefix of a ledger's keys. */
  public static final String DEFAULT_PREFIX = "sb:orders:";

  static final String CREATE = """
      local fence = tonumber(ARGV[1])
      local high = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
      if fence > 0 and fence < high then
        redis.call('INCR', KEYS[4])
        return -1
      end
      local n = redis.call('HINCRBY', KEYS[1], 'count', 1)
      if fence > high then
        redis.call('HSET', KEYS[1], 'fence', ARGV[1])
      end
      redis.call('INCR', KEYS[2])
      if n == 1 then
        redis.call('INCR', KEYS[3])
      end
      return redis.call('INCR', KEYS[5])
      """;

  static final String ANNOUNCE = """
      local high = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
      if tonumber(ARGV[1]) > high then
        redis.call('HSET', KEYS[1], 'fence', ARGV[1])
      end
      return 0
      """;

  private final String prefix;
  private final RedisLink link;
  private final RedisLink.Script create;
  private final RedisLink.Script announce;
  private final String[] counters;

  /**
   * Connects to Redis at {@code url}.
   *
   * @throws IllegalStateException saying where and what to do when Redis cannot be reached
   */
  public RedisLedger(String url, long timeoutMillis, String prefix) {
    this.prefix = prefix;
    this.counters = new String[] {prefix + "effects", prefix + "keys", prefix + "fenced-out"};
    String uri = url.trim();
    RedisLink opened;
    try {
      opened = RedisLink.open(uri, timeoutMillis);
    } catch (RuntimeException e) {
      throw new IllegalStateException(io.strategybench.redis.RedisClients.unreachable("order ledger", uri, e), e);
    }
    try {
      this.create = opened.load(CREATE);
      this.announce = opened.load(ANNOUNCE);
    } catch (RuntimeException e) {
      opened.close();
      throw new IllegalStateException(io.strategybench.redis.RedisClients.unreachable("order ledger", uri, e), e);
    }
    this.link = opened;
  }

  /** The Redis key of {@code key}'s orders. */
  public String orderKey(String key) {
    return prefix + "order:" + key;
  }

  @Override
  public CompletionStage<Long> create(String key, long fence) {
    String[] keys = {orderKey(key), counters[0], counters[1], counters[2], prefix + "ids"};
    CompletableFuture<Long> id = link.eval(create, ScriptOutputType.INTEGER, keys, RedisStore.bytes(fence));
    return id;
  }

  @Override
  public CompletionStage<Void> announce(String key, long fence) {
    return link.<Long>eval(announce, ScriptOutputType.INTEGER, new String[] {orderKey(key)}, RedisStore.bytes(fence))
        .thenApply(ignored -> null);
  }

  /** Orders created for {@code key}, waiting for Redis. */
  public long effects(String key) {
    return number(link.connection().sync().hget(orderKey(key), "count"));
  }

  @Override
  public Counts counts() {
    List<KeyValue<String, byte[]>> values = link.connection().sync().mget(counters);
    long effects = number(values.get(0).getValueOrElse(null));
    long keys = number(values.get(1).getValueOrElse(null));
    long fencedOut = number(values.get(2).getValueOrElse(null));
    return new Counts(effects, keys, effects - keys, fencedOut);
  }

  private static long number(byte[] value) {
    return value == null ? 0 : Long.parseLong(new String(value, StandardCharsets.US_ASCII));
  }

  /** Deletes this ledger's keys (its prefix's only), waiting for Redis. */
  @Override
  public void reset() {
    RedisKeys.deleteByPrefix(link, prefix);
  }

  @Override
  public void close() {
    link.close();
  }
}
