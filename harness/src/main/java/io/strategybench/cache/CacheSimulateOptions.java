package io.strategybench.cache;

import java.nio.file.Path;
import java.util.List;

/**
 * The options of {@code bench simulate cache}: the capacities and the trace or workload, declared in
 * {@code CacheSimulateOptions.options.yaml}.
 */
record CacheSimulateOptions(List<String> capacities, Path trace, String format, String workload, long seed) {}
