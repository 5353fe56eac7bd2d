package io.strategybench.ratelimit;

import io.strategybench.ratelimit.redis.RedisServerProcess;
import io.strategybench.run.ParentDeathWatch;
import io.strategybench.strategy.SettingDescriptor;
import io.strategybench.strategy.StrategyDescriptor;

/**
 * The Redis server a run of the redis-* strategies talks to: one the user named, or a private
 * {@code redis-server} process started for the run and stopped after it, or when the run is killed
 * ({@link ParentDeathWatch}).
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
    java.util.Set<Long> before = children();
    RedisServerProcess process = RedisServerProcess.launch();
    // the server is the child this JVM started meanwhile; stopped with it if the JVM is killed without its shutdown
    // hooks, which stop it on every other exit
    ProcessHandle.current().children().filter(child -> !before.contains(child.pid()) && isRedis(child))
        .forEach(ParentDeathWatch::guard);
    return new RedisForSimulation(process.uri(), process);
  }

  private static java.util.Set<Long> children() {
    return ProcessHandle.current().children().map(ProcessHandle::pid).collect(java.util.stream.Collectors.toSet());
  }

  /**
   * Whether a process is a redis-server: Debian's is a link to redis-check-rdb, and it rewrites its command line
   * to {@code redis-server 127.0.0.1:PORT}.
   */
  static boolean isRedis(ProcessHandle process) {
    ProcessHandle.Info info = process.info();
    return info.command().orElse("").contains("redis") || info.commandLine().orElse("").contains("redis-server");
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
