package io.strategybench.hashing;

/** MurmurHash3 x64 128 (Austin Appleby), seed 0; returns the first 64 bits (h1), as Guava's {@code asLong()}. */
final class Murmur3 {
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private Murmur3() {}

  @SuppressWarnings("fallthrough") // the tail switch falls through by design, as in the reference code
  static long hash64(byte[] b) {
    long h1 = 0;
    long h2 = 0;
    int length = b.length;
    int blocks = length / 16;
    for (int i = 0; i < blocks; i++) {
      long k1 = getLong(b, i * 16);
      long k2 = getLong(b, i * 16 + 8);
      k1 *= C1;
      k1 = Long.rotateLeft(k1, 31);
      k1 *= C2;
      h1 ^= k1;
      h1 = Long.rotateLeft(h1, 27);
      h1 += h2;
      h1 = h1 * 5 + 0x52dce729;
      k2 *= C2;
      k2 = Long.rotateLeft(k2, 33);
      k2 *= C1;
      h2 ^= k2;
      h2 = Long.rotateLeft(h2, 31);
      h2 += h1;
      h2 = h2 * 5 + 0x38495ab5;
    }
    long k1 = 0;
    long k2 = 0;
    int tail = blocks * 16;
    switch (length & 15) {
      case 15: k2 ^= (b[tail + 14] & 0xffL) << 48;
      case 14: k2 ^= (b[tail + 13] & 0xffL) << 40;
      case 13: k2 ^= (b[tail + 12] & 0xffL) << 32;
      case 12: k2 ^= (b[tail + 11] & 0xffL) << 24;
      case 11: k2 ^= (b[tail + 10] & 0xffL) << 16;
      case 10: k2 ^= (b[tail + 9] & 0xffL) << 8;
      case 9:
        k2 ^= b[tail + 8] & 0xffL;
        k2 *= C2;
        k2 = Long.rotateLeft(k2, 33);
        k2 *= C1;
        h2 ^= k2;
      case 8: k1 ^= (b[tail + 7] & 0xffL) << 56;
      case 7: k1 ^= (b[tail + 6] & 0xffL) << 48;
      case 6: k1 ^= (b[tail + 5] & 0xffL) << 40;
      case 5: k1 ^= (b[tail + 4] & 0xffL) << 32;
      case 4: k1 ^= (b[tail + 3] & 0xffL) << 24;
      case 3: k1 ^= (b[tail + 2] & 0xffL) << 16;
      case 2: k1 ^= (b[tail + 1] & 0xffL) << 8;
      case 1:
        k1 ^= b[tail] & 0xffL;
        k1 *= C1;
        k1 = Long.rotateLeft(k1, 31);
        k1 *= C2;
        h1 ^= k1;
      default:
        break;
    }
    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    return h1;
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  private static long getLong(byte[] b, int i) {
    return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24
        | (b[i + 4] & 0xFFL) << 32 | (b[i + 5] & 0xFFL) << 40 | (b[i + 6] & 0xFFL) << 48 | (b[i + 7] & 0xFFL) << 56;
  }
}
