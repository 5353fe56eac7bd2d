package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.strategy.ManualClock;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.testing.FakeBackend;
import io.strategybench.testing.Requests;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomizedStrategiesTest {
  private final StrategyContext context = StrategyContext.seeded(new ManualClock(), 11);

  @Test
  void randomPicksOnlyAvailableBackendsAndSpreadsUniformly() {
    List<FakeBackend> pool = pool(4);
    pool.get(3).available = false;
    RandomChoice lb = new RandomChoice(context);
    lb.setBackends(pool);
    Map<Backend, Integer> counts = new HashMap<>();
    for (int i = 0; i < 30_000; i++) {
      counts.merge(lb.pick(Requests.anonymous()), 1, Integer::sum);
    }
    assertThat(counts).doesNotContainKey(pool.get(3));
    // The unavailable backend's draws go to the next one: b1 gets 2/4, b2 and b3 1/4 each.
    assertThat(counts.get(pool.get(0))).isBetween(14_000, 16_000);
    assertThat(counts.get(pool.get(1))).isBetween(7_000, 8_000);
    assertThat(counts.get(pool.get(2))).isBetween(7_000, 8_000);
  }

  @Test
  void powerOfTwoChoicesNeverPicksTheUniqueBusiestOfTwoOrMoreAvailableBackends() {
    SplittableRandom random = new SplittableRandom(1);
    PowerOfTwoChoices lb = new PowerOfTwoChoices(context);
    for (int trial = 0; trial < 5_000; trial++) {
      List<FakeBackend> pool = pool(2 + random.nextInt(6));
      pool.forEach(b -> b.inFlight = random.nextInt(4));
      FakeBackend busiest = pool.get(random.nextInt(pool.size()));
      busiest.inFlight = 10;
      lb.setBackends(pool);
      Backend picked = lb.pick(Requests.anonymous());
      assertThat(picked).isNotSameAs(busiest);
    }
  }

  @Test
  void powerOfTwoChoicesPrefersTheLessLoadedOfItsDraws() {
    List<FakeBackend> pool = pool(2);
    pool.get(0).inFlight = 5;
    PowerOfTwoChoices lb = new PowerOfTwoChoices(context);
    lb.setBackends(pool);
    for (int i = 0; i < 100; i++) {
      // With two backends both are always drawn, so the idle one always wins.
      assertThat(lb.pick(Requests.anonymous())).isSameAs(pool.get(1));
    }
  }

  @Test
  void powerOfTwoChoicesKeepsTheMaximumLoadLowerThanRandom() {
    // Balls into bins (Azar et al. 1994): with n balls in n bins the fullest bin holds about ln n / ln ln n
    // balls when each goes to a random bin, and about ln ln n / ln 2 with the lesser of two choices.
    int n = 10_000;
    List<FakeBackend> pool = pool(n);
    PowerOfTwoChoices p2c = new PowerOfTwoChoices(context);
    p2c.setBackends(pool);
    for (int i = 0; i < n; i++) {
      ((FakeBackend) p2c.pick(Requests.anonymous())).inFlight++;
    }
    int p2cMax = pool.stream().mapToInt(b -> b.inFlight).max().orElseThrow();
    pool.forEach(b -> b.inFlight = 0);
    RandomChoice random = new RandomChoice(context);
    random.setBackends(pool);
    for (int i = 0; i < n; i++) {
      ((FakeBackend) random.pick(Requests.anonymous())).inFlight++;
    }
    int randomMax = pool.stream().mapToInt(b -> b.inFlight).max().orElseThrow();
    assertThat(p2cMax).isLessThanOrEqualTo(4);
    assertThat(randomMax).isGreaterThanOrEqualTo(5);
  }

  static List<FakeBackend> pool(int n) {
    List<FakeBackend> pool = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pool.add(new FakeBackend("b" + (i + 1), 1));
    }
    return pool;
  }
}
