package io.strategybench.ratelimit;

import io.strategybench.results.ObjectSizes;
import io.strategybench.strategy.ManualClock;
import io.strategybench.strategy.SettingDescriptor;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyDescriptor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Replays arrivals through one rate limiter on a virtual clock and judges every decision against an exact
 * sliding log (the oracle: admit when fewer than {@code limit} requests were admitted in the last window).
 * Admitted requests are served for {@code serviceNanos} (longer when more than {@code capacity} of one key
 * are in service: the service slows down as it saturates), and their end is reported to the limiter, which
 * is what concurrency limiters and adaptive limiters learn from. Deterministic for a seed.
 */
public final class RateLimitSimulator {
  /**
   * How admitted requests are served.
   *
   * @param serviceNanos service time of one request when the service is not saturated
   * @param capacity requests of one key served at full speed at once; beyond it every request slows down in
   *     proportion
   */
  public record Service(long serviceNanos, int capacity) {
    public static final Service DEFAULT = new Service(20_000_000L, 16);
  }

  private RateLimitSimulator() {}

  /**
   * Runs one strategy.
   *
   * @param params the strategy's parameters; {@code limit} and {@code window-millis} are set from the
   *     arguments, and a Redis strategy is pointed at {@code redisUri} with caller time and a fresh key prefix
   * @param redisUri the Redis server for remote strategies, or null
   */
  public static RateLimitSimulationResult run(StrategyDescriptor<RateLimiter> descriptor, Map<String, String> params,
      long limit, long windowMillis, Arrivals arrivals, String patternName, Service service, long seed,
      String redisUri) {
    Map<String, String> p = new LinkedHashMap<>(params);
    p.put("limit", Long.toString(limit));
    p.put("window-millis", Long.toString(windowMillis));
    Set<String> names = descriptor.settings().stream().map(SettingDescriptor::name).collect(Collectors.toSet());
    if (names.contains("redis")) {
      if (redisUri != null) {
        p.putIfAbsent("redis", redisUri);
      }
      if (names.contains("time")) {
        p.put("time", "caller");
      }
      if (names.contains("key-prefix")) {
        p.put("key-prefix", "sb:sim:" + Long.toHexString(System.nanoTime()) + ":");
      }
    }
    ManualClock clock = new ManualClock(0);
    long window = windowMillis * 1_000_000L;
    int keyCount = arrivals.keyNames().size();
    try (RateLimiter limiter = descriptor.create(p, StrategyContext.seeded(clock, seed))) {
      boolean remote = limiter.isRemote();
      long emptyBytes = remote ? 0 : ObjectSizes.retained(limiter);
      boolean release = limiter.needsRelease();
      ArrayDeque<Long>[] oracle = newDeques(keyCount);
      long[][] effective = new long[keyCount][];
      int[] effectiveCount = new int[keyCount];
      for (int k = 0; k < keyCount; k++) {
        effective[k] = new long[16];
      }
      int[] inFlight = new int[keyCount];
      int maxInFlight = 0;
      PriorityQueue<long[]> completions = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
      long admitted = 0;
      long rejected = 0;
      long delayed = 0;
      long delaySum = 0;
      long oracleAdmitted = 0;
      long falseAdmits = 0;
      long falseRejects = 0;
      boolean[] touched = new boolean[keyCount];
      for (int i = 0; i < arrivals.size(); i++) {
        long t = arrivals.times()[i];
        int k = arrivals.keys()[i];
        touched[k] = true;
        while (!completions.isEmpty() && completions.peek()[0] <= t) {
          long[] c = completions.poll();
          inFlight[(int) c[1]]--;
          if (release) {
            clock.set(Math.max(clock.nanoTime(), c[0]));
            limiter.release(arrivals.keyNames().get((int) c[1]), c[0], c[0] - c[2], false);
          }
        }
        clock.set(Math.max(clock.nanoTime(), t));
        String key = arrivals.keyNames().get(k);
        Decision d = limiter.acquire(key, t);
        ArrayDeque<Long> log = oracle[k];
        while (!log.isEmpty() && log.peekFirst() <= t - window) {
          log.pollFirst();
        }
        boolean oracleAdmits = log.size() < limit;
        if (oracleAdmits) {
          log.addLast(t);
          oracleAdmitted++;
        }
        if (d.admitted()) {
          admitted++;
          if (!oracleAdmits) {
            falseAdmits++;
          }
          long start = t + d.delayNanos();
          if (d.delayNanos() > 0) {
            delayed++;
            delaySum += d.delayNanos();
          }
          if (effectiveCount[k] == effective[k].length) {
            effective[k] = Arrays.copyOf(effective[k], effective[k].length * 2);
          }
          effective[k][effectiveCount[k]++] = start;
          inFlight[k]++;
          maxInFlight = Math.max(maxInFlight, inFlight[k]);
          long serve = service.serviceNanos() * Math.max(1, inFlight[k]) / Math.max(1,
              Math.min(inFlight[k], service.capacity()));
          completions.add(new long[] {start + serve, k, t});
        } else {
          rejected++;
          if (oracleAdmits) {
            falseRejects++;
          }
        }
      }
      while (!completions.isEmpty()) {
        long[] c = completions.poll();
        if (release) {
          clock.set(Math.max(clock.nanoTime(), c[0]));
          limiter.release(arrivals.keyNames().get((int) c[1]), c[0], c[0] - c[2], false);
        }
      }
      long maxInWindow = 0;
      for (int k = 0; k < keyCount; k++) {
        long[] ts = Arrays.copyOf(effective[k], effectiveCount[k]);
        Arrays.sort(ts);
        maxInWindow = Math.max(maxInWindow, maxInWindow(ts, window));
      }
      int touchedKeys = 0;
      for (boolean b : touched) {
        touchedKeys += b ? 1 : 0;
      }
      double stateBytes;
      if (remote) {
        long sum = 0;
        int sampled = 0;
        for (int k = 0; k < keyCount && sampled < 100; k++) {
          if (touched[k]) {
            long bytes = limiter.remoteStateBytes(arrivals.keyNames().get(k));
            if (bytes > 0) {
              sum += bytes;
              sampled++;
            }
          }
        }
        stateBytes = sampled == 0 ? 0 : (double) sum / sampled;
      } else {
        stateBytes = touchedKeys == 0 ? 0
            : (double) (ObjectSizes.retained(limiter) - emptyBytes) / touchedKeys;
      }
      Map<String, String> shown = new LinkedHashMap<>(p);
      shown.remove("key-prefix");
      return new RateLimitSimulationResult(descriptor.name(), shown, patternName, limit, windowMillis, keyCount,
          arrivals.size(), admitted, rejected, delayed, delayed == 0 ? 0 : delaySum / 1e6 / delayed, maxInWindow,
          Math.max(0, (double) (maxInWindow - limit) / limit), oracleAdmitted, falseAdmits, falseRejects,
          Math.round(stateBytes * 10) / 10.0, maxInFlight, remote);
    }
  }

  /** The most timestamps of a sorted array that fall in any half-open interval of length {@code window}. */
  static long maxInWindow(long[] sorted, long window) {
    long best = 0;
    int from = 0;
    for (int i = 0; i < sorted.length; i++) {
      while (sorted[i] - sorted[from] >= window) {
        from++;
      }
      best = Math.max(best, i - from + 1);
    }
    return best;
  }

  @SuppressWarnings("unchecked")
  private static ArrayDeque<Long>[] newDeques(int n) {
    ArrayDeque<Long>[] out = new ArrayDeque[n];
    for (int i = 0; i < n; i++) {
      out[i] = new ArrayDeque<>();
    }
    return out;
  }
}
