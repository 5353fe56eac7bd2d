package io.strategybench.lb;

import io.strategybench.run.SuiteFiles.Positive;
import io.strategybench.run.SuiteFiles.NonEmpty;
import io.strategybench.run.SuiteFiles.Optional;
import io.strategybench.run.MicroLens;
import io.strategybench.run.Rate;
import java.util.List;

/**
 * What a suite runs for the load-balancing family, in each lens.
 *
 * @param backends number of simulated backends ({@code b1..bN})
 * @param weights their weights, cycled
 * @param capacities their concurrency capacities, cycled
 * @param serviceTime their service-time distribution
 * @param queue their queue limit beyond capacity
 * @param responseBytes their response body size
 * @param slowBackend the backend that slows down, or null for none
 * @param slowFactor by how much
 * @param slowAt when, as a fraction of each lens's measured duration
 * @param rate arrivals per second of the simulation, and of the load unless {@code loadRate} says otherwise
 * @param simulateSeconds virtual seconds simulated
 * @param seed seed of the simulation and of the load's feeders
 * @param clients distinct client addresses
 * @param sessions distinct sessions
 * @param loadSeconds measured seconds of each load run
 * @param warmupSeconds warm-up seconds before it
 * @param ioThreads the target server's I/O threads
 * @param microBackends backend counts for JMH
 * @param microThreads thread counts for JMH
 * @param micro JMH iterations and forks
 * @param loadRate arrivals per second of the load runs, or a share of this machine's capacity for them
 *     ({@code 40%}); {@code rate} when left out
 */
public record LbPlan(@Positive int backends, @NonEmpty List<Integer> weights, @NonEmpty List<Integer> capacities, String serviceTime, @Positive int queue,
    @Positive int responseBytes, @Optional String slowBackend, double slowFactor, double slowAt, @Positive double rate, @Positive int simulateSeconds,
    long seed, @Positive int clients, @Positive int sessions, @Positive int loadSeconds, int warmupSeconds, @Positive int ioThreads,
    @NonEmpty List<Integer> microBackends, @NonEmpty List<Integer> microThreads, MicroLens.Settings micro,
    @Optional Rate loadRate) {

  /** The load runs' rate as the suite states it. */
  public Rate load() {
    return loadRate != null ? loadRate : Rate.perSecond(rate);
  }

  /** The fault of a lens whose measured phase lasts {@code seconds}, or none. */
  public List<String> faults(double seconds) {
    if (slowBackend == null) {
      return List.of();
    }
    long millis = Math.round(seconds * slowAt * 1000);
    String factor = slowFactor == Math.rint(slowFactor) ? String.valueOf((long) slowFactor) : String.valueOf(slowFactor);
    return List.of(slowBackend + "@" + millis + "ms:slow=" + factor);
  }

  public LbPlan withLoadSeconds(int seconds) {
    return new LbPlan(backends, weights, capacities, serviceTime, queue, responseBytes, slowBackend, slowFactor,
        slowAt, rate, simulateSeconds, seed, clients, sessions, seconds, warmupSeconds, ioThreads, microBackends,
        microThreads, micro, loadRate);
  }
}
