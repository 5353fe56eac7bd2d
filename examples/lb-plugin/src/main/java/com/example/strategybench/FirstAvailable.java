package com.example.strategybench;

import io.strategybench.lb.Backend;
import io.strategybench.lb.LbRequest;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategySettings;
import java.util.List;

/**
 * An example plugin: HAProxy's {@code balance first}. Requests go to the first backend, in order, that has
 * fewer than {@code max-in-flight} requests in flight; only when it is full does the next one get traffic.
 * It packs load onto few backends, so the others can be scaled down. When every backend is full, the least
 * loaded one is picked.
 *
 * <p>To plug it in: build this folder into a jar and drop it in StrategyBench's {@code plugins/} folder
 * (see the README). The {@code META-INF/services/io.strategybench.lb.LoadBalancer} file lists this class.
 */
@Strategy(name = "first-available", summary = "first backend in order with a free slot (HAProxy balance first); example plugin")
public final class FirstAvailable implements LoadBalancer {

  /** The plugin's one parameter. */
  public static final class Settings implements StrategySettings {
    @Setting(description = "requests in flight a backend takes before the next one is used", min = 1, max = 100_000)
    public int maxInFlight = 8;
  }

  private final int maxInFlight;
  private volatile List<? extends Backend> backends = List.of();

  /** ServiceLoader needs a no-argument constructor; it uses the defaults. */
  public FirstAvailable() {
    this(new Settings());
  }

  public FirstAvailable(Settings settings) {
    this.maxInFlight = settings.maxInFlight;
  }

  @Override
  public void setBackends(List<? extends Backend> backends) {
    this.backends = backends;
  }

  @Override
  public Backend pick(LbRequest request) {
    Backend leastLoaded = null;
    for (Backend backend : backends) {
      if (!request.eligible(backend)) {
        continue;
      }
      if (backend.inFlight() < maxInFlight) {
        return backend;
      }
      if (leastLoaded == null || backend.inFlight() < leastLoaded.inFlight()) {
        leastLoaded = backend;
      }
    }
    return leastLoaded;
  }
}
