package io.strategybench.cache;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;

/**
 * The penetration protection that stops a read of a key the origin never had before it reaches the origin: a
 * Bloom filter of the keys that exist (Guava's), or nothing.
 */
interface MissFilter {
  /** The Bloom filter's false-positive rate: a missing key it lets through goes to the origin every time. */
  double BLOOM_FALSE_POSITIVES = 0.001;

  /** Lets every key through. */
  MissFilter NONE = key -> true;

  /** Whether {@code key} may exist, so its miss should go to the origin. */
  boolean mightExist(long key);

  /** A Bloom filter of keys 0..keys-1. */
  static MissFilter bloom(int keys) {
    BloomFilter<Long> bloom = BloomFilter.create(Funnels.longFunnel(), keys, BLOOM_FALSE_POSITIVES);
    for (long k = 0; k < keys; k++) {
      bloom.put(k);
    }
    return bloom::mightContain;
  }
}
