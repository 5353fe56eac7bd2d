package io.strategybench.delivery.webhook;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A {@link WebhookTimer} on real time: the system clock, and tasks run by a {@link ScheduledExecutorService} (a
 * Netty {@code EventLoop} is one, so retries can share the sender's event loop).
 */
public final class ExecutorTimer implements WebhookTimer {
  private final ScheduledExecutorService executor;

  public ExecutorTimer(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  @Override
  public long nowMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public void schedule(long delayMillis, Runnable task) {
    executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
  }
}
