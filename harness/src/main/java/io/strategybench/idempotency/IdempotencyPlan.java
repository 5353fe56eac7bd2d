package io.strategybench.idempotency;

import io.strategybench.run.MicroLens;
import io.strategybench.run.SuiteFiles.NonEmpty;
import io.strategybench.run.SuiteFiles.Positive;
import java.util.List;

/**
 * What a suite runs for the idempotency family ({@code idempotency:} in a suite file).
 *
 * @param keys simulate: clients, one order (one key) each
 * @param instances simulate: instances behind the load balancer
 * @param processingMillis simulate: how long the order handler works
 * @param clientTimeoutMillis simulate: a client gives up waiting and retries after this (in the run with crashes at
 *     least twice {@code processingMillis}, so that a client misses its answer only when its instance died)
 * @param maxAttempts simulate: attempts a client makes at most
 * @param lockTtlMillis simulate: the lock TTLs swept (one shorter than the processing time shows what fencing does);
 *     the run with crashes uses the last
 * @param crashAfterEffect simulate: the share of attempts whose instance dies after the effect, before storing (a
 *     crash takes the whole instance down for {@code restartMillis}: at 2,000 attempts a second, 0.001 is two a
 *     second)
 * @param crashHoldingLock simulate: the share whose instance dies holding the key, before the effect
 * @param restartMillis simulate: how long a dead instance takes to come back
 * @param seed seeds the simulation
 * @param micro JMH iterations and forks
 * @param rate load: new keys per second (each sent {@code copies} times at once, then again after a timeout)
 * @param copies load: requests sent at once with each key, landing on different instances
 * @param retryAfterMillis load: when each client sends its key once more, as after a timeout
 * @param loadProcessingMillis load: the order handler's time in the target
 * @param killAt load: when one instance is killed, as a share of the measured phase (0: never)
 * @param restartSeconds load: how long after the kill it is started again
 * @param loadSeconds load: measured seconds
 * @param warmupSeconds load: warm-up seconds before them
 * @param ioThreads load: I/O threads of each target
 * @param loadStrategies load: the stores that get a load run, of those the run chose (empty: all of them)
 */
public record IdempotencyPlan(@Positive int keys, @Positive int instances, @Positive double processingMillis,
    @Positive double clientTimeoutMillis, @Positive int maxAttempts, @NonEmpty List<Double> lockTtlMillis,
    double crashAfterEffect, double crashHoldingLock, double restartMillis, long seed, MicroLens.Settings micro,
    @Positive double rate, @Positive int copies, @Positive int retryAfterMillis, @Positive int loadProcessingMillis,
    double killAt, int restartSeconds, @Positive int loadSeconds, int warmupSeconds, @Positive int ioThreads,
    List<String> loadStrategies) {

  /** Target instances of a load run: the topology of the distributed rate-limit runs. */
  static final int INSTANCES = 3;

  IdempotencyPlan withLoadSeconds(int seconds) {
    return new IdempotencyPlan(keys, instances, processingMillis, clientTimeoutMillis, maxAttempts, lockTtlMillis,
        crashAfterEffect, crashHoldingLock, restartMillis, seed, micro, rate, copies, retryAfterMillis,
        loadProcessingMillis, killAt, restartSeconds, seconds, warmupSeconds, ioThreads, loadStrategies);
  }
}
