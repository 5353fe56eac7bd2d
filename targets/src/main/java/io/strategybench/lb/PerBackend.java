package io.strategybench.lb;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An immutable snapshot of backends with one state object each, aligned by index. A new snapshot carries
 * over the state of backends that stay (matched by identity), so a topology change does not forget what
 * was learned about the others.
 */
final class PerBackend<T> {
  final Backend[] backends;
  private final Object[] states;
  private final Map<Backend, T> byBackend;

  PerBackend(List<? extends Backend> list, PerBackend<T> previous, Supplier<T> fresh) {
    this.backends = Snapshot.of(list);
    this.states = new Object[backends.length];
    this.byBackend = new IdentityHashMap<>(backends.length * 2);
    for (int i = 0; i < backends.length; i++) {
      T state = previous == null ? null : previous.byBackend.get(backends[i]);
      T chosen = state != null ? state : fresh.get();
      states[i] = chosen;
      byBackend.put(backends[i], chosen);
    }
  }

  /** The state of the backend at {@code index}. */
  @SuppressWarnings("unchecked")
  T state(int index) {
    return (T) states[index];
  }

  static <T> PerBackend<T> empty() {
    return new PerBackend<>(List.of(), null, () -> null);
  }

  /** The state of {@code backend}, or null if it is not in this snapshot. */
  T stateOf(Backend backend) {
    return byBackend.get(backend);
  }
}
