package io.strategybench.lb;

import java.util.List;

/** Helpers shared by the built-in strategies for scanning a backend array. */
final class Snapshot {
  static final Backend[] EMPTY = new Backend[0];

  private Snapshot() {}

  static Backend[] of(List<? extends Backend> backends) {
    return backends.toArray(EMPTY);
  }

  /** The first eligible backend scanning from {@code start} (wrapping), or null. */
  static Backend firstEligible(Backend[] backends, int start, LbRequest request) {
    int n = backends.length;
    for (int i = 0; i < n; i++) {
      Backend candidate = backends[(start + i) % n];
      if (request.eligible(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** 64-bit mix (SplitMix64 finaliser): spreads nearby inputs across the whole range. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** FNV-1a over the characters of {@code text}, then mixed. */
  static long hash(String text) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }
}
