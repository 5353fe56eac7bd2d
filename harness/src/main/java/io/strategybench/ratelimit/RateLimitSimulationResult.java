package io.strategybench.ratelimit;

import java.util.Map;

/**
 * What one rate limiter did with one arrival pattern on the virtual clock.
 *
 * @param strategy the strategy's name
 * @param parameters the parameters it ran with (limit and window included)
 * @param pattern the arrival pattern, or {@code file:NAME}
 * @param limit requests per window
 * @param windowMillis the window
 * @param keys distinct client keys
 * @param arrivals requests offered
 * @param admitted requests admitted (delayed ones included)
 * @param rejected requests rejected
 * @param delayed admitted requests that had to wait first (leaky bucket as a queue)
 * @param meanDelayMillis mean wait of the delayed ones
 * @param maxAdmittedInWindow the most requests of one key admitted in any window of the limit's length,
 *     sliding, exact (a delayed request counts when it goes on)
 * @param overAdmission how far that is above the limit, as a fraction of it (0 when at or under)
 * @param oracleAdmitted what an exact sliding log admits of the same arrivals
 * @param falseAdmits requests admitted that the exact sliding log rejects
 * @param falseRejects requests rejected that the exact sliding log admits
 * @param stateBytesPerKey bytes of limiter state per client key at the end (JOL for local strategies, Redis
 *     MEMORY USAGE for remote ones)
 * @param maxInFlight the most admitted requests of one key in service at once (each served for the
 *     simulated service time)
 * @param remote whether the strategy keeps its state in Redis
 */
public record RateLimitSimulationResult(String strategy, Map<String, String> parameters, String pattern, long limit,
    long windowMillis, int keys, long arrivals, long admitted, long rejected, long delayed, double meanDelayMillis,
    long maxAdmittedInWindow, double overAdmission, long oracleAdmitted, long falseAdmits, long falseRejects,
    double stateBytesPerKey, int maxInFlight, boolean remote) {}
