package io.strategybench.ratelimit;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * Each client key's state, created on the key's first request. A known key is found without a lock or an
 * allocation; only the first request of a key goes through {@code computeIfAbsent}.
 *
 * @param <S> the state of one key
 */
final class PerKey<S> {
  private final ConcurrentHashMap<String, S> states = new ConcurrentHashMap<>();

  /** The state of {@code key}, or null when the key was never seen. */
  S get(String key) {
    return states.get(key);
  }

  /** The state of {@code key}, created by {@code create} from the time of its first request. */
  S getOrCreate(String key, long nowNanos, LongFunction<? extends S> create) {
    S state = states.get(key);
    return state != null ? state : states.computeIfAbsent(key, k -> create.apply(nowNanos));
  }

  Collection<S> values() {
    return states.values();
  }
}
