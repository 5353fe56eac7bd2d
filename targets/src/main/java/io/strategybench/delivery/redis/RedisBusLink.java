package io.strategybench.delivery.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.strategybench.redis.RedisClients;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Redis fan-out's command connection (text keys and values, through {@link RedisClients}: commands time out, are
 * rejected at once while Redis is down, and the connection reconnects by itself) with the wording of its failures:
 * where Redis was, why it failed, and what to do.
 */
final class RedisBusLink implements AutoCloseable {
  /** A script loaded into Redis: run by its SHA1, sent again when Redis answers NOSCRIPT (it restarted). */
  record Script(String source, String sha) {}

  private final String fanout;
  private final String uri;
  private final long timeoutMillis;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisBusLink(String fanout, String uri, long timeoutMillis, RedisClients.Client<String> c) {
    this.fanout = fanout;
    this.uri = uri;
    this.timeoutMillis = timeoutMillis;
    this.client = c.client();
    this.connection = c.connection();
  }

  /**
   * Connects to {@code uri} for the fan-out {@code fanout}.
   *
   * @throws IllegalArgumentException when {@code uri} is not a Redis URL
   * @throws IllegalStateException when Redis cannot be reached there (the message says where, why and what to do)
   */
  static RedisBusLink open(String fanout, String uri, long timeoutMillis) {
    return new RedisBusLink(fanout, uri, timeoutMillis, connect(fanout, uri, timeoutMillis));
  }

  /** A client and connection of its own to {@code uri}, with the same wording of failures as {@link #open}. */
  static RedisClients.Client<String> connect(String fanout, String uri, long timeoutMillis) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("fan-out '" + fanout + "' needs a Redis URL, e.g. redis://127.0.0.1:6379");
    }
    if (timeoutMillis < 1) {
      throw new IllegalArgumentException("fan-out '" + fanout + "': a Redis command timeout of at least 1 ms is"
          + " needed, got " + timeoutMillis);
    }
    try {
      return RedisClients.connect(uri, timeoutMillis, StringCodec.UTF8);
    } catch (RedisException e) {
      throw new IllegalStateException(RedisClients.unreachable("fan-out '" + fanout + "'", uri, e), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("fan-out '" + fanout + "': '" + uri + "' is not a Redis URL ("
          + RedisClients.causeOf(e) + "); the form is redis://HOST:PORT, e.g. redis://127.0.0.1:6379", e);
    }
  }

  /** The failure a caller sees when Redis did not do {@code what}: names the fan-out, Redis and its URL, and why. */
  IllegalStateException failure(String what, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return new IllegalStateException(fanout + ": Redis at " + uri + " did not " + what + " (" + RedisClients.causeOf(cause)
        + "); is redis-server running there?", cause);
  }

  /** Loads {@code source}, waiting for Redis (at start only). */
  Script load(String source) {
    return new Script(source, connection.sync().scriptLoad(source));
  }

  /** Runs {@code script}; never blocks: the answer, or the error or timeout, completes the future. */
  <T> CompletableFuture<T> eval(Script script, ScriptOutputType type, String[] keys, String... args) {
    try {
      return connection.async().<T>evalsha(script.sha(), type, keys, args).toCompletableFuture()
          .exceptionallyCompose(e -> {
            if (isNoScript(e)) {
              return connection.async().<T>eval(script.source(), type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(e);
          });
    } catch (RuntimeException e) { // a disconnected client may refuse at once
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Waits for {@code future} at most the command timeout and a second; a failure is worded by {@link #failure}. */
  <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(what, e);
    } catch (ExecutionException e) {
      throw failure(what, e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      throw failure(what, e);
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

  StatefulRedisConnection<String, String> connection() {
    return connection;
  }

  RedisClient client() {
    return client;
  }

  String uri() {
    return uri;
  }

  long timeoutMillis() {
    return timeoutMillis;
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
