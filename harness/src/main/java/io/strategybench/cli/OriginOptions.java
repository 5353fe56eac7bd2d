package io.strategybench.cli;

import io.strategybench.family.StageFactory;

/**
 * {@code bench serve} options of the simulated origin: the slow service at the end of a pipeline whose last stage
 * keeps no backends of its own (a cache, the shards of a hashing ring). Any stage may read them.
 */
public record OriginOptions(String originTime, int originCapacity, int originQueue) {

  StageFactory.Common common(int ioThreads) {
    return new StageFactory.Common(ioThreads, originTime, originCapacity, originQueue);
  }
}
