package io.strategybench.hashing;

import io.strategybench.run.JmhDefaults;
import com.google.common.hash.Hashing;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Our jump hash against a well-known implementation, on the same 64-bit keys and bucket counts:
 * {@code jump} is {@link JumpHash#bucket}, {@code guava} is Guava's {@code Hashing.consistentHash}, the
 * reference. Both return the same buckets (a test checks it), so only the time differs.
 */
@State(Scope.Benchmark)
public class JumpReferenceBenchmark extends JmhDefaults {
  static final int KEYS = 4096;

  @Param({"10", "100", "1000"})
  public int nodes;

  final long[] keys = new long[KEYS];

  @Setup
  public void setup() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < KEYS; i++) {
      keys[i] = random.nextLong();
    }
  }

  /** One caller's position in the key set. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public int jump(Cursor cursor) {
    return JumpHash.bucket(keys[cursor.next++ & (KEYS - 1)], nodes);
  }

  @Benchmark
  public int guava(Cursor cursor) {
    return Hashing.consistentHash(keys[cursor.next++ & (KEYS - 1)], nodes);
  }
}
