package com.example.strategybench.retry;

import io.strategybench.run.MicroLens;
import io.strategybench.run.SuiteFiles.NonEmpty;
import io.strategybench.run.SuiteFiles.Positive;
import java.util.List;

/**
 * What a suite runs for the retry family ({@code retry:} in a suite file).
 *
 * @param clients the client counts the simulation sweeps (the article's x axis)
 * @param capacity calls the simulated server serves at once
 * @param serviceMillis how long it serves one
 * @param spreadMillis the clients' first calls fall within this much time
 * @param seed seeds the jitter
 * @param micro JMH iterations and forks
 * @param rate the load run's requests per second
 * @param loadSeconds measured seconds of each load run
 * @param warmupSeconds warm-up seconds before it
 * @param upstreamCapacity calls the stage's upstream serves at once
 * @param upstreamQueue calls waiting beyond that (more get 503)
 * @param upstreamTime the upstream's service time ({@code exp:5ms})
 */
public record RetryPlan(@NonEmpty List<Integer> clients, @Positive int capacity, @Positive double serviceMillis,
    double spreadMillis, long seed, MicroLens.Settings micro, @Positive double rate, @Positive int loadSeconds,
    int warmupSeconds, @Positive int upstreamCapacity, int upstreamQueue, String upstreamTime) {

  RetryPlan withLoadSeconds(int seconds) {
    return new RetryPlan(clients, capacity, serviceMillis, spreadMillis, seed, micro, rate, seconds, warmupSeconds,
        upstreamCapacity, upstreamQueue, upstreamTime);
  }
}
