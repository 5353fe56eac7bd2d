package io.strategybench.delivery;

import io.strategybench.run.MicroLens;
import io.strategybench.run.SuiteFiles.NonEmpty;
import io.strategybench.run.SuiteFiles.Positive;
import java.util.List;

/**
 * What a suite runs for the delivery family ({@code delivery:} in a suite file). Each chosen channel runs with each
 * fan-out of {@code fanouts}; {@code local} always on one instance (it reaches no other), the Redis fan-outs on
 * {@code instances}.
 *
 * @param fanouts the fan-outs (local, redis-pubsub, redis-streams)
 * @param subscribers simulate: subscribers, pinned to the instances in turn
 * @param instances simulate and load: instances of the Redis fan-outs
 * @param eventsPerSecond simulate: events published a second (Poisson)
 * @param simulateSeconds simulate: virtual seconds
 * @param oneWayDelayMillis simulate: network and processing between server and client, one way
 * @param publishHopMillis simulate: what an event takes to reach the other instances through Redis
 * @param outageAtSeconds simulate: when one instance dies
 * @param outageMillis simulate: how long it stays down (0: no outage)
 * @param seed seeds the simulation
 * @param micro JMH iterations and forks
 * @param loadSubscribers load: subscribers across the instances
 * @param loadEventsPerSecond load: events published a second, on the instances in turn
 * @param loadSeconds load: measured seconds
 * @param warmupSeconds load: warm-up seconds before them
 * @param killAt load: when instance 2 is killed, as a share of the measured phase (0: never)
 * @param restartSeconds load: how long after the kill it is started again
 * @param ioThreads load: I/O threads of each instance
 * @param loadStrategies load: the channels that get a load run, of those the run chose (empty: all)
 * @param loadFanouts load: the fan-outs of the load runs (empty: all of {@code fanouts})
 * @param capacitySubscribers capacity: the subscriber counts tried on one instance, in order (empty: no capacity run);
 *     short pollers poll every 0.4 x {@code capacityP95Millis} in these steps (their staleness is up to their
 *     interval whatever the load); webhooks hold no connection and get no capacity run
 * @param capacityEventsPerSecond capacity: events published a second while they are held
 * @param capacitySeconds capacity: measured seconds of each step
 * @param capacityP95Millis capacity: the delivery p95 a step must stay under (hashrocket's websocket-shootout: 250)
 */
public record DeliveryPlan(@NonEmpty List<String> fanouts, @Positive int subscribers, @Positive int instances,
    @Positive double eventsPerSecond, @Positive int simulateSeconds, double oneWayDelayMillis,
    double publishHopMillis, double outageAtSeconds, double outageMillis, long seed, MicroLens.Settings micro,
    @Positive int loadSubscribers, @Positive double loadEventsPerSecond, @Positive int loadSeconds,
    int warmupSeconds, double killAt, int restartSeconds, @Positive int ioThreads, List<String> loadStrategies,
    List<String> loadFanouts, List<Integer> capacitySubscribers, double capacityEventsPerSecond, int capacitySeconds,
    double capacityP95Millis) {

  DeliveryPlan withLoadSeconds(int seconds) {
    return new DeliveryPlan(fanouts, subscribers, instances, eventsPerSecond, simulateSeconds, oneWayDelayMillis,
        publishHopMillis, outageAtSeconds, outageMillis, seed, micro, loadSubscribers, loadEventsPerSecond, seconds,
        warmupSeconds, killAt, restartSeconds, ioThreads, loadStrategies, loadFanouts, capacitySubscribers,
        capacityEventsPerSecond, Math.min(capacitySeconds, seconds), capacityP95Millis);
  }

  /** The fan-outs of the load runs. */
  List<String> loadFanoutsOrAll() {
    return loadFanouts == null || loadFanouts.isEmpty() ? fanouts : loadFanouts;
  }
}
