package io.strategybench.ratelimit;

import io.strategybench.ratelimit.redis.RedisServerProcess;
import io.strategybench.strategy.SettingDescriptor;
import io.strategybench.strategy.StrategyDescriptor;

/**
 * The Redis server a run of the redis-* strategies talks to: one the user named, or a private
 * {@code redis-server} process started for the run and stopped after it.
 */
public final class RedisForSimulation implements AutoCloseable {
  private final String uri;
  private final RedisServerProcess process;

  private RedisForSimulation(String uri, RedisServerProcess process) {
    this.uri = uri;
    this.process = process;
  }

  /** Whether a strategy keeps its state in Redis (it has a {@code redis} parameter). */
  public static boolean needsRedis(StrategyDescriptor<?> strategy) {
    return strategy.settings().stream().map(SettingDescriptor::name).anyMatch("redis"::equals);
  }

  /** The server at {@code uri}, or a private one when {@code uri} is null. */
  public static RedisForSimulation open(String uri) {
    if (uri != null) {
      return new RedisForSimulation(uri, null);
    }
    RedisServerProcess process = RedisServerProcess.launch();
    return new RedisForSimulation(process.uri(), process);
  }

  public String uri() {
    return uri;
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
