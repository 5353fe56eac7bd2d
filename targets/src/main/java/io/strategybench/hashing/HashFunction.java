package io.strategybench.hashing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash functions a consistent-hashing strategy can run on; every strategy takes one as its {@code hash}
 * parameter. Each gives 64 bits: xxHash64 (seed 0), the first 64 bits of MurmurHash3 x64 128 (seed 0,
 * Guava's {@code murmur3_128().hashBytes(b).asLong()}), and the first 8 bytes, big-endian, of MD5 and
 * SHA-1 (the cryptographic ones are slow; they are here because ketama-style rings use them).
 */
public enum HashFunction {
  XXHASH64 {
    @Override
    public long hash(byte[] data) {
      return XxHash64.hash(data, 0);
    }
  },
  MURMUR3 {
    @Override
    public long hash(byte[] data) {
      return Murmur3.hash64(data);
    }
  },
  MD5 {
    @Override
    public long hash(byte[] data) {
      return digest(MD5_DIGEST.get(), data);
    }
  },
  SHA1 {
    @Override
    public long hash(byte[] data) {
      return digest(SHA1_DIGEST.get(), data);
    }
  };

  private static final ThreadLocal<MessageDigest> MD5_DIGEST = ThreadLocal.withInitial(() -> digest("MD5"));
  private static final ThreadLocal<MessageDigest> SHA1_DIGEST = ThreadLocal.withInitial(() -> digest("SHA-1"));

  /** 64 bits of hash of {@code data}. */
  public abstract long hash(byte[] data);

  /** 64 bits of hash of the UTF-8 bytes of {@code text}. */
  public long hash(String text) {
    return hash(text.getBytes(StandardCharsets.UTF_8));
  }

  private static long digest(MessageDigest digest, byte[] data) {
    byte[] d = digest.digest(data);
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xff);
    }
    return h;
  }

  private static MessageDigest digest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(name + " is missing from this JVM", e);
    }
  }

  /** A 64-bit finaliser (SplitMix64): derives well-spread values from one hash, e.g. hash and node, hash and probe. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
