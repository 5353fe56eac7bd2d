package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.testing.FakeBackend;
import io.strategybench.testing.Requests;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {

  /** Random pools with random in-flight counts and availability; the pick checked against a full scan. */
  @Test
  void neverPicksABackendWithMoreInFlightThanAnotherAvailableOne() {
    SplittableRandom random = new SplittableRandom(3);
    LeastConnections lb = new LeastConnections();
    for (int trial = 0; trial < 5_000; trial++) {
      List<FakeBackend> pool = randomPool(random);
      lb.setBackends(pool);
      Backend picked = lb.pick(Requests.anonymous());
      int least = pool.stream().filter(b -> b.available).mapToInt(b -> b.inFlight).min().orElse(-1);
      if (least < 0) {
        assertThat(picked).isNull();
        continue;
      }
      assertThat(picked).isNotNull();
      assertThat(picked.isAvailable()).isTrue();
      assertThat(picked.inFlight()).as("pool %s", pool).isEqualTo(least);
    }
  }

  @Test
  void weightedVariantPicksTheFewestInFlightPerUnitOfWeight() {
    SplittableRandom random = new SplittableRandom(5);
    WeightedLeastConnections lb = new WeightedLeastConnections();
    for (int trial = 0; trial < 5_000; trial++) {
      List<FakeBackend> pool = randomPool(random);
      lb.setBackends(pool);
      Backend picked = lb.pick(Requests.anonymous());
      double least = pool.stream().filter(b -> b.available).mapToDouble(b -> (double) b.inFlight / b.weight())
          .min().orElse(-1);
      if (least < 0) {
        assertThat(picked).isNull();
        continue;
      }
      assertThat((double) picked.inFlight() / picked.weight()).as("pool %s", pool).isEqualTo(least);
    }
  }

  @Test
  void tiesRotateSoEqualBackendsShareTheLoad() {
    List<FakeBackend> pool = List.of(new FakeBackend("a", 1), new FakeBackend("b", 1), new FakeBackend("c", 1));
    LeastConnections lb = new LeastConnections();
    lb.setBackends(pool);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      seen.add(lb.pick(Requests.anonymous()).name());
    }
    assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
  }

  private static List<FakeBackend> randomPool(SplittableRandom random) {
    int n = 1 + random.nextInt(10);
    List<FakeBackend> pool = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FakeBackend b = new FakeBackend("b" + i, 1 + random.nextInt(5));
      b.inFlight = random.nextInt(6);
      b.available = random.nextInt(5) != 0;
      pool.add(b);
    }
    return pool;
  }
}
