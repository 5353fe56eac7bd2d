package io.strategybench.ratelimit;

import java.nio.file.Path;

/**
 * The options of {@code bench simulate ratelimit}: the limit, the arrivals and the Redis to use, declared in
 * {@code RateLimitSimulateOptions.options.yaml}.
 */
record RateLimitSimulateOptions(long limit, long windowNanos, String pattern, String rate, long durationNanos,
    int keys, Path arrivalsFile, long serviceNanos, int capacity, String redis, long seed) {}
