package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.testing.FakeBackend;
import io.strategybench.testing.Requests;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinTest {

  private static List<FakeBackend> backends(int... weights) {
    List<FakeBackend> out = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      out.add(new FakeBackend("b" + (i + 1), weights[i]));
    }
    return out;
  }

  private static List<Backend> picks(LoadBalancer lb, int count) {
    List<Backend> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(lb.pick(Requests.anonymous()));
    }
    return out;
  }

  @Test
  void spreadsAHeavyBackendThroughTheCycleAsNginxDocuments() {
    // nginx's own example (ngx_http_upstream_round_robin.c, 2012): weights { 5, 1, 1 } give a a b a c a a.
    WeightedRoundRobin lb = new WeightedRoundRobin();
    lb.setBackends(backends(5, 1, 1));
    String sequence = picks(lb, 14).stream().map(Backend::name).collect(Collectors.joining(" "));
    assertThat(sequence).isEqualTo("b1 b1 b2 b1 b3 b1 b1 b1 b1 b2 b1 b3 b1 b1");
  }

  @Test
  void givesEachBackendExactlyItsWeightInEveryCycleOfSumPicks() {
    SplittableRandom random = new SplittableRandom(42);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(8);
      int[] weights = new int[n];
      int sum = 0;
      for (int i = 0; i < n; i++) {
        weights[i] = 1 + random.nextInt(10);
        sum += weights[i];
      }
      List<FakeBackend> pool = backends(weights);
      WeightedRoundRobin lb = new WeightedRoundRobin();
      lb.setBackends(pool);
      List<Backend> sequence = picks(lb, sum * 10);
      for (int cycle = 0; cycle < 10; cycle++) {
        Map<Backend, Integer> counts = new HashMap<>();
        for (Backend b : sequence.subList(cycle * sum, (cycle + 1) * sum)) {
          counts.merge(b, 1, Integer::sum);
        }
        for (int i = 0; i < n; i++) {
          assertThat(counts.getOrDefault(pool.get(i), 0))
              .as("weights %s, cycle %d, backend %d", java.util.Arrays.toString(weights), cycle, i)
              .isEqualTo(weights[i]);
        }
      }
    }
  }

  @Test
  void neverGivesMoreThanItsShareRoundedUpPlusOneInAnyWindow() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 100; trial++) {
      int n = 2 + random.nextInt(6);
      int[] weights = new int[n];
      int sum = 0;
      for (int i = 0; i < n; i++) {
        weights[i] = 1 + random.nextInt(12);
        sum += weights[i];
      }
      List<FakeBackend> pool = backends(weights);
      WeightedRoundRobin lb = new WeightedRoundRobin();
      lb.setBackends(pool);
      List<Backend> sequence = picks(lb, sum * 3);
      // Every window of k consecutive picks, for every k up to two full cycles.
      for (int k = 1; k <= 2 * sum; k++) {
        for (int start = 0; start + k <= sequence.size(); start++) {
          Map<Backend, Integer> counts = new HashMap<>();
          for (Backend b : sequence.subList(start, start + k)) {
            counts.merge(b, 1, Integer::sum);
          }
          for (int i = 0; i < n; i++) {
            long bound = (long) Math.ceil((double) weights[i] / sum * k) + 1;
            assertThat((long) counts.getOrDefault(pool.get(i), 0))
                .as("weights %s, window [%d, %d)", java.util.Arrays.toString(weights), start, start + k)
                .isLessThanOrEqualTo(bound);
          }
        }
      }
    }
  }

  @Test
  void skipsUnavailableBackendsAndSharesTheirTurnsByWeight() {
    List<FakeBackend> pool = backends(3, 1, 2);
    WeightedRoundRobin lb = new WeightedRoundRobin();
    lb.setBackends(pool);
    pool.get(0).available = false;
    Map<String, Long> counts = picks(lb, 300).stream()
        .collect(Collectors.groupingBy(Backend::name, Collectors.counting()));
    assertThat(counts).containsOnlyKeys("b2", "b3");
    assertThat(counts.get("b3")).isEqualTo(200);
    assertThat(counts.get("b2")).isEqualTo(100);
  }

  @Test
  void answersNullWhenNoBackendIsAvailable() {
    List<FakeBackend> pool = backends(1, 1);
    pool.forEach(b -> b.available = false);
    WeightedRoundRobin lb = new WeightedRoundRobin();
    lb.setBackends(pool);
    assertThat(lb.pick(Requests.anonymous())).isNull();
  }
}
