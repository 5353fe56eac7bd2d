package io.strategybench.ratelimit;

import io.strategybench.strategy.Family;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides, request by request, whether a client (a key) may go on now: the rate limiter of an API gateway.
 * Every strategy reads time only from the nanosecond timestamps it is given, which come from the injected
 * {@link io.strategybench.strategy.Clock}, so the same code runs on real and on virtual time.
 *
 * <p>Each strategy takes a {@link RateSettings}: {@code limit} requests per {@code window-millis} (the token
 * bucket's capacity and refill, the leaky bucket's rate, the concurrency limiter's in-flight limit, ...).
 *
 * <p>Threading: {@link #acquire} and {@link #release} may be called concurrently from many threads, for the
 * same key and for different keys.
 */
public interface RateLimiter extends AutoCloseable {
  /** The rate-limiting family. */
  Family<RateLimiter> FAMILY = new Family<>("ratelimit", RateLimiter.class, "Rate limiting",
      "which requests to admit, so that each client stays within its limit");

  /**
   * {@link io.strategybench.strategy.Strategy#characteristics() Characteristic}: never admits more than
   * {@code limit} requests of a key in any window of {@code window-millis}, wherever the window starts.
   */
  String WINDOW_EXACT = "window-exact";

  /** Characteristic: never admits more than twice {@code limit} in any window (a burst at a boundary). */
  String WINDOW_TWICE = "window-twice";

  /** Characteristic: decides exactly as an exact sliding log of the admitted requests would. */
  String SLIDING_LOG = "sliding-log";

  /** Characteristic: limits the requests in flight per key, not a rate; no window bound applies. */
  String IN_FLIGHT = "limits-in-flight";

  /**
   * Characteristic: keeps its state in a shared store (a {@code redis} parameter names it), so instances that
   * share the store hold one limit together.
   */
  String REMOTE_STATE = "remote-state";

  /**
   * Characteristic prefix: {@code TWIN_OF + "fixed-window"} says a {@link #REMOTE_STATE} strategy decides as that
   * in-memory strategy does, so a distributed run puts the two side by side.
   */
  String TWIN_OF = "twin-of:";

  /**
   * Decides one request of {@code key} arriving at {@code nowNanos}.
   *
   * <p>An admitted decision with a {@link Decision#delayNanos() delay} (the leaky bucket as a queue) means
   * the request may go on only after that delay; the limiter has already counted it.
   */
  Decision acquire(String key, long nowNanos);

  /**
   * The same decision without blocking the caller: strategies that ask a remote store (Redis) complete the
   * stage when the answer arrives. Local strategies answer at once.
   */
  default CompletionStage<Decision> acquireAsync(String key, long nowNanos) {
    return CompletableFuture.completedFuture(acquire(key, nowNanos));
  }

  /** Whether {@link #acquireAsync} may complete later (the strategy asks a remote store). */
  default boolean isRemote() {
    return false;
  }

  /**
   * An admitted request of {@code key} finished, {@code latencyNanos} after it was admitted. Concurrency
   * limiters free its slot and adaptive ones learn from the latency; rate limiters ignore it.
   *
   * @param dropped whether the request failed in a way that signals overload (timeout, 5xx, 503)
   */
  default void release(String key, long nowNanos, long latencyNanos, boolean dropped) {}

  /**
   * An admitted request of {@code key} never went on (a later rule refused it, the client left): concurrency
   * limiters free its slot, and adaptive ones learn nothing from it (Netflix concurrency-limits'
   * {@code onIgnore}). By default the same as a release with no latency.
   */
  default void cancel(String key, long nowNanos) {
    release(key, nowNanos, 0, false);
  }

  /** Whether the strategy needs {@link #release} for every admitted request (concurrency limiters). */
  default boolean needsRelease() {
    return false;
  }

  /**
   * Bytes of state a remote store keeps for {@code key} (Redis {@code MEMORY USAGE}), or -1 when the state
   * lives in this JVM, where the simulator measures it with JOL.
   */
  default long remoteStateBytes(String key) {
    return -1;
  }

  /** Counters of the strategy itself (remote failures, fail-open admissions, current adaptive limit). */
  default Map<String, Object> stats() {
    return Map.of();
  }

  /** Releases connections or threads the strategy holds. */
  @Override
  default void close() {}
}
