package io.strategybench.delivery.webhook;

import java.util.PriorityQueue;

/**
 * A {@link WebhookTimer} on virtual time: tasks wait in a priority queue ordered by due time, then by the order they
 * were scheduled in, and run only when the test or simulation moves the clock ({@link #advance}, {@link #runUntilIdle}).
 * Deterministic: the same schedule gives the same run, whatever the machine's load.
 */
public final class VirtualTimer implements WebhookTimer {
  private record Task(long dueMillis, long order, Runnable task) {}

  private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.dueMillis != b.dueMillis
      ? Long.compare(a.dueMillis, b.dueMillis) : Long.compare(a.order, b.order));
  private long now;
  private long scheduled;

  /** A timer whose clock starts at {@code startMillis} (milliseconds since the epoch). */
  public VirtualTimer(long startMillis) {
    this.now = startMillis;
  }

  @Override
  public synchronized long nowMillis() {
    return now;
  }

  @Override
  public synchronized void schedule(long delayMillis, Runnable task) {
    if (delayMillis < 0) {
      throw new IllegalArgumentException("a task cannot be scheduled in the past: delay " + delayMillis + " ms");
    }
    queue.add(new Task(now + delayMillis, scheduled++, task));
  }

  /** Tasks waiting. */
  public synchronized int pending() {
    return queue.size();
  }

  /** Runs every task due within {@code millis} from now, in order, moving the clock to each; then to now + millis. */
  public void advance(long millis) {
    long until;
    synchronized (this) {
      until = now + millis;
    }
    while (runNext(until)) {
      // each task may schedule more; those due before until run too
    }
    synchronized (this) {
      now = until;
    }
  }

  /** Runs tasks, moving the clock to each one's time, until none is left. Returns how many ran. */
  public int runUntilIdle() {
    int ran = 0;
    while (runNext(Long.MAX_VALUE)) {
      ran++;
    }
    return ran;
  }

  private boolean runNext(long until) {
    Task next;
    synchronized (this) {
      next = queue.peek();
      if (next == null || next.dueMillis > until) {
        return false;
      }
      queue.poll();
      now = Math.max(now, next.dueMillis);
    }
    next.task.run();
    return true;
  }
}
