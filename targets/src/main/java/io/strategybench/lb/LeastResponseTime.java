package io.strategybench.lb;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategySettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Least response time: the eligible backend with the lowest moving average of observed latency; ties go to
 * fewer requests in flight, then rotate (after NGINX Plus {@code least_time} and Envoy's
 * least-request-by-latency). The average is weighted over time and decays towards zero while a backend is
 * not observed, so a backend that was slow once is tried again later. Picking the single fastest backend
 * herds traffic onto it until its average rises; the simulator shows that oscillation.
 */
@Strategy(name = "least-response-time", summary = "lowest moving average of latency; in-flight breaks ties")
public final class LeastResponseTime implements LoadBalancer {
  /** Parameters of {@link LeastResponseTime}. */
  public static final class Settings implements StrategySettings {
    @Setting(description = "time constant of the latency average, in milliseconds", min = 1, max = 600_000)
    public long decayMillis = 2_000;
  }

  private final StrategyContext context;
  private final long tauNanos;
  private final AtomicInteger rotation = new AtomicInteger();
  private volatile PerBackend<DecayingAverage> state = PerBackend.empty();

  public LeastResponseTime() {
    this(new Settings(), StrategyContext.system());
  }

  public LeastResponseTime(Settings settings, StrategyContext context) {
    this.context = context;
    this.tauNanos = TimeUnit.MILLISECONDS.toNanos(settings.decayMillis);
  }

  @Override
  public void setBackends(List<? extends Backend> backends) {
    state = new PerBackend<>(backends, state, () -> new DecayingAverage(tauNanos, false));
  }

  @Override
  public Backend pick(LbRequest request) {
    PerBackend<DecayingAverage> s = state;
    int n = s.backends.length;
    if (n == 0) {
      return null;
    }
    int start = Math.floorMod(rotation.getAndIncrement(), n);
    Backend best = null;
    double bestLatency = Double.POSITIVE_INFINITY;
    int bestInFlight = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      int index = (start + i) % n;
      Backend candidate = s.backends[index];
      if (!request.eligible(candidate)) {
        continue;
      }
      // Orders like the decayed averages without computing them (see DecayingAverage#logScore).
      double latency = s.state(index).logScore();
      int inFlight = candidate.inFlight();
      if (best == null || latency < bestLatency || (latency == bestLatency && inFlight < bestInFlight)) {
        best = candidate;
        bestLatency = latency;
        bestInFlight = inFlight;
      }
    }
    return best;
  }

  @Override
  public void onComplete(Backend backend, long latencyNanos, boolean success) {
    DecayingAverage average = state.stateOf(backend);
    if (average != null) {
      average.observe(latencyNanos, context.clock().nanoTime());
    }
  }
}
