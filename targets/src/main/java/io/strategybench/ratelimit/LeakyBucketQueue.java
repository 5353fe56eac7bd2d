package io.strategybench.ratelimit;

import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;

/**
 * The leaky bucket as a queue, with the exact semantics of nginx's {@code limit_req} (module
 * {@code ngx_http_limit_req_module}, functions {@code ngx_http_limit_req_lookup} and
 * {@code ngx_http_limit_req_account}): requests leave at {@code limit} per {@code window} and up to
 * {@code burst} excess requests wait their turn; beyond that they are rejected. With {@code window-millis}
 * 1000 the rate is nginx's {@code rate=<limit>r/s}, with 60000 its {@code r/m}.
 *
 * <p>nginx's arithmetic is mirrored exactly, in thousandths of a request and whole milliseconds:
 * {@code rate = limit x 1000 x 1000 / window-millis} (integer division, so {@code 1r/m} is 16, as in nginx),
 * {@code burst} and {@code delay} are multiplied by 1000; time is counted in milliseconds from the key's
 * first request (nginx's {@code ngx_current_msec}). The first request of a key is admitted with excess 0.
 * Each later request computes, with {@code ms} the milliseconds since the last admission that moved the
 * clock ({@code ms < -60000} counts as 1, other negative values as 0):
 *
 * <pre>
 *   excess = last_excess - rate x ms / 1000 + 1000;  if (excess &lt; 0) excess = 0;
 *   if (excess &gt; burst) reject (the state is not changed)
 *   else { last_excess = excess; if (ms != 0) last = now; }
 * </pre>
 *
 * and an admitted request waits {@code (excess - delay) x 1000 / rate} milliseconds if
 * {@code excess > delay}, nothing otherwise; {@code nodelay} is nginx's "delay = infinity". The documented
 * example {@code rate=1r/s burst=5}: ten simultaneous requests give one at once, five delayed by 1..5 s and
 * four rejected; with {@code nodelay} six at once and four rejected.
 *
 * <p>Known weakness: a queue adds latency instead of rejecting (with {@code burst} large, clients wait long
 * for a slot, holding connections); with {@code nodelay} it degenerates to a meter whose burst refills only
 * at the rate, and at {@code burst=0} it rejects any two requests closer than one emission interval, so
 * clients with jittery timing see rejections well under the nominal rate.
 */
@Strategy(name = "leaky-bucket-queue",
    summary = "leaky bucket as a queue with nginx limit_req semantics (burst, nodelay, delay)")
public final class LeakyBucketQueue implements RateLimiter {
  /** Parameters of {@link LeakyBucketQueue}. */
  public static class Settings extends LocalRateSettings {
    @Setting(description = "excess requests that may wait for their turn (nginx burst=)", min = 0, max = 1_000_000_000)
    public long burst = 0;

    @Setting(description = "admit the burst at once instead of delaying it (nginx nodelay)")
    public boolean nodelay = false;

    @Setting(description = "excess requests admitted without delay before the rest wait (nginx delay=)",
        min = 0, max = 1_000_000_000)
    public long delay = 0;

    /** nginx's rate: thousandths of a request per second. */
    long nginxRate() {
      return limit * 1_000_000L / windowMillis;
    }

    @Override
    public void validate() {
      if (nginxRate() < 1) {
        throw new InvalidParameterException("limit", "limit " + limit + " per " + windowMillis
            + " ms is below nginx's resolution of 0.001 requests per second; raise limit or shorten window-millis");
      }
    }
  }

  private static final class State {
    final long origin;
    long last; // milliseconds since origin
    long excess; // thousandths of a request
    boolean started;

    State(long origin) {
      this.origin = origin;
    }
  }

  private static final long NANOS_PER_MS = 1_000_000L;

  private final long limit;
  private final long rate;
  private final long burst;
  private final long delay;
  private final PerKey<State> states;
  /** Created once: a capturing lambda at every call would allocate on the hot path. */
  private static final java.util.function.LongFunction<State> NEW_STATE = State::new;

  public LeakyBucketQueue() {
    this(new Settings());
  }

  public LeakyBucketQueue(Settings settings) {
    settings.validate();
    this.limit = settings.limit;
    this.rate = settings.nginxRate();
    this.burst = settings.burst * 1000;
    this.delay = settings.nodelay ? Long.MAX_VALUE : settings.delay * 1000;
    // a full burst leaks away in (burst + 1) / rate seconds; idle that long, a key's state is a new key's
    long drainNanos = (long) Math.min(Long.MAX_VALUE / 4.0, Math.ceil((settings.burst + 1) * 1e12 / rate) + 1e6);
    this.states = new PerKey<>((int) Math.min(Integer.MAX_VALUE, settings.maxKeys),
        Math.max(settings.keyIdleNanos(), drainNanos), s -> false);
  }

  @Override
  public Decision acquire(String key, long nowNanos) {
    State state = states.getOrCreate(key, nowNanos, NEW_STATE);
    synchronized (state) {
      long nowMs = Math.floorDiv(nowNanos - state.origin, NANOS_PER_MS);
      long excess;
      if (!state.started) { // the key's first request
        state.started = true;
        // a new node: excess 0, admitted (nginx sets lr->excess = 0, lr->last = now and returns NGX_OK)
        state.last = nowMs;
        state.excess = 0;
        excess = 0;
      } else {
        long ms = nowMs - state.last;
        if (ms < -60000) {
          ms = 1;
        } else if (ms < 0) {
          ms = 0;
        }
        long leaked = ms > Long.MAX_VALUE / rate ? Long.MAX_VALUE : rate * ms / 1000;
        excess = leaked > state.excess + 1000 ? 0 : state.excess - leaked + 1000;
        if (excess > burst) {
          long need = state.excess + 1000 - burst; // thousandths that must leak first
          long waitMs = Arith.ceilDiv(need * 1000, rate);
          long retry = Math.max(1, atMs(state, state.last + waitMs) - nowNanos);
          return Decision.reject(limit, retry, drainedIn(state, nowNanos));
        }
        state.excess = excess;
        if (ms != 0) {
          state.last = nowMs;
        }
      }
      long remaining = (burst - excess) / 1000;
      long reset = drainedIn(state, nowNanos);
      if (excess <= delay) {
        return Decision.admit(limit, remaining, reset);
      }
      long delayMs = (excess - delay) * 1000 / rate;
      return Decision.delay(limit, remaining, reset, delayMs * NANOS_PER_MS);
    }
  }

  /** Nanoseconds until the key's excess has leaked away (0 when it is empty). */
  private long drainedIn(State state, long nowNanos) {
    if (state.excess == 0) {
      return 0;
    }
    return Math.max(0, atMs(state, state.last + Arith.ceilDiv(state.excess * 1000, rate)) - nowNanos);
  }

  private static long atMs(State state, long ms) {
    return state.origin + ms * NANOS_PER_MS;
  }

  @Override
  public java.util.Map<String, Object> stats() {
    return states.stats();
  }
}
