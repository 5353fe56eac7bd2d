package io.strategybench.backend;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * A server's capacity: at most {@code capacity} tasks at once, up to {@code queueLimit} more waiting in
 * arrival order, and the rest refused (an overloaded server shedding load). Thread-safe; a queued task runs
 * on the executor it was admitted with, when a running one finishes.
 */
public final class ServiceQueue {
  private final int capacity;
  private final int queueLimit;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int busy;
  private int peakBusy;

  public ServiceQueue(int capacity, int queueLimit) {
    if (capacity < 1 || queueLimit < 0) {
      throw new IllegalArgumentException("capacity must be at least 1 and the queue limit at least 0");
    }
    this.capacity = capacity;
    this.queueLimit = queueLimit;
  }

  /**
   * Runs {@code task} now, on the calling thread, if a slot is free; else queues it to run on
   * {@code executor} when one frees up.
   *
   * @return false when the queue is full too: the task was refused and will not run
   */
  public boolean admit(Executor executor, Runnable task) {
    boolean now;
    synchronized (this) {
      if (busy < capacity) {
        busy++;
        peakBusy = Math.max(peakBusy, busy);
        now = true;
      } else if (waiting.size() < queueLimit) {
        waiting.add(() -> executor.execute(task));
        now = false;
      } else {
        return false;
      }
    }
    if (now) {
      task.run();
    }
    return true;
  }

  /** A task finished: its slot goes to the next waiting task, or is freed. */
  public void done() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        busy--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  public synchronized int busy() {
    return busy;
  }

  public synchronized int waiting() {
    return waiting.size();
  }

  /** Most tasks served at once since the last reset. */
  public synchronized int peakBusy() {
    return peakBusy;
  }

  public synchronized void resetPeak() {
    peakBusy = busy;
  }
}
