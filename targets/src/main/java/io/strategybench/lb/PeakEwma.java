package io.strategybench.lb;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategySettings;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Peak-EWMA with power of two choices, as Finagle ({@code com.twitter.finagle.loadbalancer.PeakEwma}) and
 * Linkerd do it: each backend's cost is a peak-sensitive moving average of its latency times its requests in
 * flight plus one; of two random backends the cheaper wins. A latency spike raises the average at once; it
 * decays over {@code decay-millis}. A backend with requests in flight but no latency measured yet gets a
 * large penalty, so a new or silent backend is not flooded before it has answered once.
 */
@Strategy(name = "peak-ewma", summary = "power of two choices on peak latency average x in-flight (Finagle)")
public final class PeakEwma implements LoadBalancer {
  /** Parameters of {@link PeakEwma}. */
  public static final class Settings implements StrategySettings {
    @Setting(description = "time constant of the latency average, in milliseconds", min = 1, max = 600_000)
    public long decayMillis = 10_000;
  }

  /** Finagle's penalty for a backend with load but no measurement: large, but room to add in-flight. */
  static final double PENALTY = (double) (Long.MAX_VALUE >> 16);

  private final StrategyContext context;
  private final long tauNanos;
  private volatile PerBackend<DecayingAverage> state = PerBackend.empty();

  public PeakEwma() {
    this(new Settings(), StrategyContext.system());
  }

  public PeakEwma(Settings settings, StrategyContext context) {
    this.context = context;
    this.tauNanos = TimeUnit.MILLISECONDS.toNanos(settings.decayMillis);
  }

  @Override
  public void setBackends(List<? extends Backend> backends) {
    state = new PerBackend<>(backends, state, () -> new DecayingAverage(tauNanos, true));
  }

  @Override
  public Backend pick(LbRequest request) {
    PerBackend<DecayingAverage> s = state;
    int n = s.backends.length;
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return request.eligible(s.backends[0]) ? s.backends[0] : null;
    }
    int first = eligibleIndex(s, context.random().nextInt(n), request);
    if (first < 0) {
      return null;
    }
    int second = eligibleIndex(s, (first + 1 + context.random().nextInt(n - 1)) % n, request);
    return cheaper(s, second, first) ? s.backends[second] : s.backends[first];
  }

  @Override
  public void onComplete(Backend backend, long latencyNanos, boolean success) {
    DecayingAverage average = state.stateOf(backend);
    if (average != null) {
      average.observe(latencyNanos, context.clock().nanoTime());
    }
  }

  /**
   * Whether backend {@code a} costs less than {@code b}. The cost {@code latency x (inFlight + 1)} is compared
   * in log space ({@link DecayingAverage#logScore()} plus {@code ln(inFlight + 1)}), which orders like the
   * decayed costs without an {@code exp} per pick. A backend with requests in flight and no latency measured
   * yet costs {@link #PENALTY} plus its in-flight count, more than any measured one.
   */
  private static boolean cheaper(PerBackend<DecayingAverage> s, int a, int b) {
    double scoreA = s.state(a).logScore();
    double scoreB = s.state(b).logScore();
    int inFlightA = s.backends[a].inFlight();
    int inFlightB = s.backends[b].inFlight();
    boolean penaltyA = scoreA == Double.NEGATIVE_INFINITY && inFlightA != 0;
    boolean penaltyB = scoreB == Double.NEGATIVE_INFINITY && inFlightB != 0;
    if (penaltyA || penaltyB) {
      return penaltyA && penaltyB ? inFlightA < inFlightB : penaltyB;
    }
    return scoreA + DecayingAverage.ln(inFlightA + 1) < scoreB + DecayingAverage.ln(inFlightB + 1);
  }

  /** The cost the comparison orders by, for tests and stats: decayed latency x (in flight + 1), or the penalty. */
  double cost(Backend backend, long now) {
    PerBackend<DecayingAverage> s = state;
    DecayingAverage average = s.stateOf(backend);
    double latency = average == null ? 0 : average.read(now);
    int inFlight = backend.inFlight();
    return latency == 0 && inFlight != 0 ? PENALTY + inFlight : latency * (inFlight + 1);
  }

  private static int eligibleIndex(PerBackend<DecayingAverage> s, int start, LbRequest request) {
    int n = s.backends.length;
    for (int i = 0; i < n; i++) {
      int index = (start + i) % n;
      if (request.eligible(s.backends[index])) {
        return index;
      }
    }
    return -1;
  }
}
