package io.strategybench.hashing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HashFunctionTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void xxHash64MatchesTheReferenceVectors() {
    // From the xxHash test suite (seed 0).
    assertThat(HashFunction.XXHASH64.hash(ascii(""))).isEqualTo(0xEF46DB3751D8E999L);
    assertThat(HashFunction.XXHASH64.hash(ascii("a"))).isEqualTo(0xD24EC4F1A98C6E5BL);
    assertThat(HashFunction.XXHASH64.hash(ascii("abc"))).isEqualTo(0x44BC2CF5AD770999L);
    assertThat(HashFunction.XXHASH64.hash(ascii("Nobody inspects the spammish repetition")))
        .isEqualTo(0xFBCEA83C8A378BF1L);
  }

  @Test
  void xxHash64MatchesLz4JavasOnEveryLength() {
    // Every path of the algorithm: the 1-, 4- and 8-byte tails, one and several 32-byte stripes.
    net.jpountz.xxhash.XXHash64 reference = net.jpountz.xxhash.XXHashFactory.safeInstance().hash64();
    SplittableRandom random = new SplittableRandom(2);
    for (int length = 0; length < 200; length++) {
      for (int trial = 0; trial < 20; trial++) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        assertThat(HashFunction.XXHASH64.hash(data)).as("length %d", length)
            .isEqualTo(reference.hash(data, 0, length, 0L));
      }
    }
  }

  @Test
  void murmur3MatchesGuavaOnEveryLength() {
    SplittableRandom random = new SplittableRandom(1);
    for (int length = 0; length < 100; length++) {
      for (int trial = 0; trial < 20; trial++) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        assertThat(HashFunction.MURMUR3.hash(data)).as("length %d", length)
            .isEqualTo(Hashing.murmur3_128().hashBytes(data).asLong());
      }
    }
  }

  @Test
  void cryptographicHashesTakeTheFirstEightBytesOfTheDigest() throws Exception {
    byte[] md5 = MessageDigest.getInstance("MD5").digest(ascii("abc")); // 900150983cd24fb0...
    assertThat(HashFunction.MD5.hash(ascii("abc"))).isEqualTo(0x900150983cd24fb0L).isEqualTo(first8(md5));
    byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(ascii("abc")); // a9993e364706816a...
    assertThat(HashFunction.SHA1.hash(ascii("abc"))).isEqualTo(0xa9993e364706816aL).isEqualTo(first8(sha1));
  }

  private static long first8(byte[] d) {
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xff);
    }
    return h;
  }
}
