package io.strategybench.idempotency.redis;

import io.strategybench.redis.RedisClients;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One Lettuce client and connection of an idempotency store or a ledger: text keys, byte values (a stored body is
 * kept byte for byte). As the rate limiters' connections: commands time out after {@code timeout-millis}, are
 * rejected at once while Redis is down instead of queueing, and the connection reconnects by itself (at most
 * {@value RedisClients#MAX_RECONNECT_DELAY_MILLIS} ms apart). Every instance of a store has a connection of its own, as
 * separate target processes would.
 */
final class RedisLink implements AutoCloseable {
  static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /** A script loaded into Redis: run by its SHA1, sent again when Redis answers NOSCRIPT (it restarted). */
  record Script(String source, String sha) {}

  private final String uri;
  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final LongAdder scriptReloads = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisLink(String uri, RedisClient client, StatefulRedisConnection<String, byte[]> connection) {
    this.uri = uri;
    this.client = client;
    this.connection = connection;
  }

  /**
   * Connects to {@code uri}.
   *
   * @throws io.lettuce.core.RedisException when Redis cannot be reached ({@link #unreachable} says it for a user)
   */
  static RedisLink open(String uri, long timeoutMillis) {
    RedisClients.Client<byte[]> c = RedisClients.connect(uri, timeoutMillis, CODEC);
    return new RedisLink(uri, c.client(), c.connection());
  }

  /** Loads {@code source}, waiting for Redis (at start only). */
  Script load(String source) {
    return new Script(source, connection.sync().scriptLoad(source));
  }

  /** Runs {@code script}; never blocks: the answer, or the error or timeout, completes the future. */
  <T> CompletableFuture<T> eval(Script script, ScriptOutputType type, String[] keys, byte[]... args) {
    try {
      return connection.async().<T>evalsha(script.sha(), type, keys, args).toCompletableFuture()
          .exceptionallyCompose(e -> {
            if (isNoScript(e)) {
              scriptReloads.increment();
              return connection.async().<T>eval(script.source(), type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(e);
          });
    } catch (RuntimeException e) { // a disconnected client may refuse at once
      return CompletableFuture.failedFuture(e);
    }
  }

  private static boolean isNoScript(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT")) {
        return true;
      }
    }
    return false;
  }

  StatefulRedisConnection<String, byte[]> connection() {
    return connection;
  }

  String uri() {
    return uri;
  }

  long scriptReloads() {
    return scriptReloads.sum();
  }

  /** Closes the connection and its client; a second call does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      connection.close();
    } finally {
      RedisClients.shutdown(client);
    }
  }
}
