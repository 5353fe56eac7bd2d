package io.strategybench.hashing;

import java.util.List;

/**
 * The options of {@code bench simulate hashing}: the nodes, keys, virtual nodes and hash, declared in
 * {@code HashingSimulateOptions.options.yaml}.
 */
record HashingSimulateOptions(List<Integer> nodes, long keys, List<Integer> vnodes, String hash, long seed,
    List<String> lookups) {}
