package io.strategybench.hashing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JumpHashTest {
  @Test
  void returnsExactlyWhatGuavasConsistentHashReturns() {
    SplittableRandom random = new SplittableRandom(2);
    for (int buckets : new int[] {1, 2, 3, 7, 10, 100, 1_000, 65_536, 1_000_000}) {
      for (int i = 0; i < 20_000; i++) {
        long key = random.nextLong();
        assertThat(JumpHash.bucket(key, buckets)).as("key %d, %d buckets", key, buckets)
            .isEqualTo(Hashing.consistentHash(key, buckets));
      }
    }
  }

  @Test
  void growingByOneBucketMovesKeysOnlyIntoTheNewBucket() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 100_000; i++) {
      long key = random.nextLong();
      int n = 1 + random.nextInt(500);
      int before = JumpHash.bucket(key, n);
      int after = JumpHash.bucket(key, n + 1);
      assertThat(after == before || after == n).isTrue();
    }
  }
}
