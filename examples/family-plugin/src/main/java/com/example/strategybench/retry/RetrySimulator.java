package com.example.strategybench.retry;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Clients retrying against an overloaded server, on virtual time: the experiment of "Exponential Backoff and
 * Jitter". {@code clients} clients each make one call, all within the first {@code spreadMillis}; the server serves
 * at most {@code capacity} calls at once, each for {@code serviceMillis}, and refuses a call that finds it full (an
 * overloaded server sheds load: the call fails at once). A client whose call failed waits as its policy says and
 * tries again, or gives up. Reported: the calls the server received in all (its work, the article's first chart),
 * and when the last client got its answer (the article's second).
 */
public final class RetrySimulator {
  private RetrySimulator() {}

  /**
   * What one run did.
   *
   * @param clients clients that made a call
   * @param calls calls the server received, retries included
   * @param succeeded clients that got an answer
   * @param gaveUp clients whose policy gave up
   * @param completionMillis when the last answer came, in ms from the first call (0 when none came)
   * @param callsPerClient calls / clients
   */
  public record Result(int clients, long calls, int succeeded, int gaveUp, double completionMillis,
      double callsPerClient) {}

  /** A client's next call, at {@code atMicros}. */
  private record Call(long atMicros, int client, int retry, long previousDelayMicros) {}

  /** Runs the experiment for {@code policy}: deterministic for a {@code seed}. */
  public static Result run(RetryPolicy policy, int clients, int capacity, double serviceMillis, double spreadMillis,
      long seed) {
    if (clients < 1 || capacity < 1 || !(serviceMillis > 0) || !(spreadMillis >= 0)) {
      throw new IllegalArgumentException("clients and capacity must be at least 1, the service time positive and the"
          + " spread 0 or more");
    }
    SplittableRandom random = new SplittableRandom(seed);
    long service = Math.max(1, Math.round(serviceMillis * 1000));
    long spread = Math.round(spreadMillis * 1000);
    PriorityQueue<Call> calls = new PriorityQueue<>((a, b) -> a.atMicros() != b.atMicros()
        ? Long.compare(a.atMicros(), b.atMicros()) : Integer.compare(a.client(), b.client()));
    for (int c = 0; c < clients; c++) {
      calls.add(new Call(spread == 0 ? 0 : random.nextLong(spread + 1), c, 0, 0));
    }
    PriorityQueue<Long> busyUntil = new PriorityQueue<>();
    long received = 0;
    int succeeded = 0;
    int gaveUp = 0;
    long last = 0;
    while (!calls.isEmpty()) {
      Call call = calls.poll();
      while (!busyUntil.isEmpty() && busyUntil.peek() <= call.atMicros()) {
        busyUntil.poll();
      }
      received++;
      if (busyUntil.size() < capacity) {
        long done = call.atMicros() + service;
        busyUntil.add(done);
        succeeded++;
        last = Math.max(last, done);
        continue;
      }
      long delay = policy.delayMicros(call.retry() + 1, call.previousDelayMicros(), random);
      if (delay < 0) {
        gaveUp++;
      } else {
        calls.add(new Call(call.atMicros() + delay, call.client(), call.retry() + 1, delay));
      }
    }
    return new Result(clients, received, succeeded, gaveUp, last / 1000.0, (double) received / clients);
  }
}
