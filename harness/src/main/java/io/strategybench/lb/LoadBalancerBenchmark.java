package io.strategybench.lb;

import io.strategybench.run.JmhDefaults;
import io.strategybench.family.FamilyModules;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How long one load-balancing decision takes: a pick for a request, with the bookkeeping around it (the
 * chosen backend's in-flight count goes up, and the request that has been in flight longest completes and
 * is reported to the strategy). Each caller keeps {@value #WINDOW} requests in flight, so in-flight counts
 * differ between backends as they do under load. The strategy is a {@code @Param} resolved through the
 * registry, so plugins are measured like built-ins; the runner passes every registered name.
 */
@State(Scope.Benchmark)
public class LoadBalancerBenchmark extends JmhDefaults {
  static final int WINDOW = 8;
  static final int CLIENTS = 1024;

  @Param({"round-robin"})
  public String strategy;

  @Param({"3", "16", "128"})
  public int backends;

  LoadBalancer balancer;

  /** A backend that only counts. */
  static final class BenchBackend implements Backend {
    final String name;
    final int weight;
    final AtomicInteger inFlight = new AtomicInteger();

    BenchBackend(String name, int weight) {
      this.name = name;
      this.weight = weight;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int weight() {
      return weight;
    }

    @Override
    public int inFlight() {
      return inFlight.get();
    }

    @Override
    public boolean isAvailable() {
      return true;
    }
  }

  record BenchRequest(String clientAddress, String sessionId) implements LbRequest {}

  @Setup
  public void setup() {
    StrategyRegistry registry = FamilyModules.fromHome().registry();
    balancer = registry.strategy(LoadBalancer.FAMILY, strategy).create(Map.of(), StrategyContext.system());
    List<Backend> pool = new ArrayList<>();
    for (int i = 0; i < backends; i++) {
      pool.add(new BenchBackend("b" + (i + 1), 1 + i % 4));
    }
    balancer.setBackends(pool);
  }

  /** One caller's requests: a rotating set of clients and sessions, and its requests in flight. */
  @State(Scope.Thread)
  public static class Caller {
    final BenchRequest[] requests = new BenchRequest[CLIENTS];
    final Backend[] inFlight = new Backend[WINDOW];
    int next;

    @Setup
    public void setup() {
      for (int i = 0; i < CLIENTS; i++) {
        requests[i] = new BenchRequest("10.1." + (i >> 8) + "." + (i & 255), "session-" + (i * 7919 % CLIENTS));
      }
    }
  }

  @Benchmark
  public Backend pick(Caller caller) {
    int slot = caller.next & (WINDOW - 1);
    Backend done = caller.inFlight[slot];
    if (done != null) {
      ((BenchBackend) done).inFlight.decrementAndGet();
      balancer.onComplete(done, 1_000_000, true);
    }
    Backend chosen = balancer.pick(caller.requests[caller.next & (CLIENTS - 1)]);
    if (chosen instanceof BenchBackend counted) {
      counted.inFlight.incrementAndGet();
    }
    caller.inFlight[slot] = chosen;
    caller.next++;
    return chosen;
  }
}
