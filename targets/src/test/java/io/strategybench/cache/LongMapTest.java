package io.strategybench.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link LongMap} against {@link HashMap} as a brute-force twin. */
class LongMapTest {
  private static final long[] SPECIAL = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1,
      Long.MAX_VALUE - 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1L << 32, -(1L << 32)};

  /** A small range of keys, negative ones and the extremes included, so that probe runs collide and merge. */
  private static long[] keyRange(int n) {
    List<Long> keys = new ArrayList<>();
    for (long k : SPECIAL) {
      keys.add(k);
    }
    for (long k = -n / 2; keys.size() < n; k++) {
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    return keys.stream().mapToLong(Long::longValue).toArray();
  }

  @ParameterizedTest(name = "expected {0}, {1} distinct keys, seed {2}")
  @CsvSource({"0, 16, 1", "1, 64, 2", "4, 200, 3", "16, 1000, 4", "1000, 40, 5", "2, 3000, 6"})
  void agreesWithAHashMapAfterEveryPutGetAndRemoveOfALongRandomSequence(int expected, int distinct, long seed) {
    long[] keys = keyRange(distinct);
    SplittableRandom random = new SplittableRandom(seed);
    LongMap<Object> map = new LongMap<>(expected);
    Map<Long, Object> twin = new HashMap<>();
    int maxSize = 0;
    for (int op = 0; op < 300_000; op++) {
      long key = keys[random.nextInt(keys.length)];
      int dice = random.nextInt(100);
      // phases that favour puts, then removes, so the table fills (and grows), then empties down long runs
      boolean filling = (op / 20_000) % 2 == 0;
      int putShare = filling ? 55 : 25;
      int removeShare = filling ? 20 : 50;
      Object expectedResult;
      Object actual;
      String what;
      if (dice < putShare) {
        Object value = new Object();
        what = "put";
        expectedResult = twin.put(key, value);
        actual = map.put(key, value);
      } else if (dice < putShare + removeShare) {
        what = "remove";
        expectedResult = twin.remove(key);
        actual = map.remove(key);
      } else {
        what = "get";
        expectedResult = twin.get(key);
        actual = map.get(key);
      }
      if (actual != expectedResult || map.size() != twin.size()) {
        fail("op %d %s(%d): expected %s and size %d, got %s and size %d", op, what, key, expectedResult,
            twin.size(), actual, map.size());
      }
      maxSize = Math.max(maxSize, twin.size());
      if (op % 1000 == 999) {
        for (long k : keys) {
          if (map.get(k) != twin.get(k)) {
            fail("after op %d, get(%d): expected %s, got %s", op, k, twin.get(k), map.get(k));
          }
        }
      }
      if (random.nextInt(50_000) == 0) {
        map.clear();
        twin.clear();
        assertThat(map.size()).isZero();
      }
    }
    // the sequence did fill the map with most of the range, not just a few keys
    assertThat(maxSize).isGreaterThan(keys.length / 2);
  }

  @Test
  void findsEveryKeyAfterAnyRemovalOrderFromARunThatWrapsAroundTheEndOfTheTable() {
    // LongMap(4) has 8 slots and grows past 4 keys; pick keys whose home slot is 6 or 7 (found by replicating
    // the map's hash), so their probe run wraps from slot 7 to slot 0 and backward shifts cross the end
    long[] wrapping = new long[4];
    int found = 0;
    for (long k = -1_000; found < 4; k++) {
      long h = k * 0x9E3779B97F4A7C15L;
      int home = (int) (h ^ (h >>> 32)) & 7;
      if (home == (found == 2 ? 6 : 7)) {
        wrapping[found++] = k;
      }
    }
    List<int[]> orders = permutations(4);
    for (int[] insertOrder : orders) {
      for (int[] removeOrder : orders) {
        LongMap<Object> map = new LongMap<>(4);
        Map<Long, Object> twin = new HashMap<>();
        for (int i : insertOrder) {
          Object v = new Object();
          assertThat(map.put(wrapping[i], v)).isSameAs(twin.put(wrapping[i], v));
        }
        for (int i : removeOrder) {
          assertThat(map.remove(wrapping[i])).isSameAs(twin.remove(wrapping[i]));
          assertThat(map.size()).isEqualTo(twin.size());
          for (long k : wrapping) {
            assertThat(map.get(k)).as("get(%d) after removing %d", k, wrapping[i]).isSameAs(twin.get(k));
          }
          // absent keys are still not found, and the probe for them ends
          assertThat(map.get(wrapping[i])).isNull();
          assertThat(map.remove(wrapping[i])).isNull();
        }
      }
    }
  }

  private static List<int[]> permutations(int n) {
    List<int[]> out = new ArrayList<>();
    permute(new int[n], new boolean[n], 0, out);
    return out;
  }

  private static void permute(int[] prefix, boolean[] used, int depth, List<int[]> out) {
    if (depth == prefix.length) {
      out.add(prefix.clone());
      return;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (!used[i]) {
        used[i] = true;
        prefix[depth] = i;
        permute(prefix, used, depth + 1, out);
        used[i] = false;
      }
    }
  }

  @Test
  void clearEmptiesTheMapWhichStaysUsableAfterwards() {
    LongMap<String> map = new LongMap<>(2);
    for (long k : SPECIAL) {
      map.put(k, "v" + k);
    }
    for (long k = 0; k < 100; k++) {
      map.put(k * 31, "w" + k);
    }
    map.clear();
    assertThat(map.size()).isZero();
    for (long k : SPECIAL) {
      assertThat(map.get(k)).isNull();
      assertThat(map.remove(k)).isNull();
    }
    for (long k = 0; k < 100; k++) {
      assertThat(map.get(k * 31)).isNull();
    }
    assertThat(map.put(Long.MIN_VALUE, "again")).isNull();
    assertThat(map.put(0, "zero")).isNull();
    assertThat(map.get(Long.MIN_VALUE)).isEqualTo("again");
    assertThat(map.get(0)).isEqualTo("zero");
    assertThat(map.size()).isEqualTo(2);
  }

  @Test
  void rejectsANullValueAndStaysUnchanged() {
    LongMap<String> map = new LongMap<>(4);
    map.put(7, "seven");
    assertThatThrownBy(() -> map.put(7, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> map.put(8, null)).isInstanceOf(NullPointerException.class);
    assertThat(map.get(7)).isEqualTo("seven");
    assertThat(map.get(8)).isNull();
    assertThat(map.size()).isEqualTo(1);
  }
}
