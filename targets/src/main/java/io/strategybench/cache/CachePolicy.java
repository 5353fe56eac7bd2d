package io.strategybench.cache;

import io.strategybench.strategy.Family;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Decides which keys a bounded cache keeps: it is told of every access and chooses the victims when room is
 * needed. The policy holds keys only, never values; {@link PolicyCache} pairs it with a concurrent map of values
 * for the target server and the micro lens, and the simulator drives it directly on a trace.
 *
 * <p>Capacity is a sum of weights: 1 per entry when counting entries, the object's size when counting bytes.
 * The weight of a resident key does not change.
 *
 * <p>Threading: a policy is single-threaded; its caller serialises the calls ({@link PolicyCache} batches reads
 * and applies them under one lock, as BP-Wrapper does). Keys are any {@code long}.
 *
 * <p>A read is {@link #contains} then {@link #onHit} or {@link #onMiss}; a miss that fills the cache is then
 * {@link #onInsert}. {@link #access} does all of that, as the simulator replays a trace: every request is a
 * lookup and a miss inserts the key.
 */
public interface CachePolicy {
  /** The caching family. */
  Family<CachePolicy> FAMILY = new Family<>("cache", CachePolicy.class, "Caching",
      "which entries a bounded cache keeps, so that the most requests are answered without the origin");

  /** The most weight the policy keeps resident (entries, or bytes). */
  long capacity();

  /** Whether {@code key} is resident; no side effect on the policy's state. */
  boolean contains(long key);

  /**
   * A read found {@code key} resident. It may be called late, for a key evicted since (a concurrent cache
   * replays buffered reads): a policy ignores a key it does not hold.
   */
  void onHit(long key);

  /** A read did not find {@code key}; a policy that keeps a history of misses may count it. */
  default void onMiss(long key) {}

  /**
   * Adds {@code key}, which is not resident, with {@code weight}. The policy makes room by evicting residents
   * (each reported to {@code evicted}, the key itself included when it is refused after a trial) and returns
   * whether {@code key} is resident afterwards: an admission filter, or a weight above the capacity, may refuse
   * it.
   */
  boolean onInsert(long key, long weight, LongConsumer evicted);

  /** The cache's owner removed {@code key} (invalidated, expired); nothing happens when it is not resident. */
  void onRemove(long key);

  /** Resident keys. */
  int size();

  /** Sum of the resident keys' weights; at most {@link #capacity()} between calls. */
  long weightedSize();

  /**
   * One request as a trace replays it: a lookup that inserts the key on a miss.
   *
   * @return whether it was a hit
   */
  default boolean access(long key, long weight, LongConsumer evicted) {
    if (contains(key)) {
      onHit(key);
      return true;
    }
    onMiss(key);
    onInsert(key, weight, evicted);
    return false;
  }

  /** The policy's own state worth reporting (ARC's target p, W-TinyLFU's window size), for the results. */
  default Map<String, Object> stats() {
    return Map.of();
  }

  /** Reports evictions nowhere. */
  LongConsumer IGNORE = key -> {};
}
