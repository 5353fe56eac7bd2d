package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.strategy.ManualClock;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.testing.FakeBackend;
import io.strategybench.testing.Requests;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StickyRoundRobinTest {
  private final ManualClock clock = new ManualClock();
  private final List<FakeBackend> pool = List.of(new FakeBackend("a", 1), new FakeBackend("b", 1),
      new FakeBackend("c", 1));

  private StickyRoundRobin sticky(long idleMillis, int maxSessions) {
    StickyRoundRobin.Settings settings = new StickyRoundRobin.Settings();
    settings.idleTimeoutMillis = idleMillis;
    settings.maxSessions = maxSessions;
    StickyRoundRobin lb = new StickyRoundRobin(settings, StrategyContext.seeded(clock, 1));
    lb.setBackends(pool);
    return lb;
  }

  @Test
  void aSessionStaysOnItsBackendWhileItIsHealthyAndActive() {
    StickyRoundRobin lb = sticky(60_000, 1000);
    Backend first = lb.pick(Requests.of("10.0.0.1", "s1"));
    for (int i = 0; i < 50; i++) {
      clock.advance(TimeUnit.SECONDS.toNanos(30)); // always within the idle timeout of the previous request
      assertThat(lb.pick(Requests.of("10.0.0." + i, "s1"))).isSameAs(first);
    }
  }

  @Test
  void sessionsAreSpreadByRoundRobin() {
    StickyRoundRobin lb = sticky(60_000, 1000);
    Set<Backend> used = new HashSet<>();
    for (int s = 0; s < 3; s++) {
      used.add(lb.pick(Requests.of(null, "s" + s)));
    }
    assertThat(used).hasSize(3);
  }

  @Test
  void anUnhealthyBackendLosesItsSessionsForGood() {
    StickyRoundRobin lb = sticky(60_000, 1000);
    Backend first = lb.pick(Requests.of(null, "s1"));
    ((FakeBackend) first).available = false;
    Backend second = lb.pick(Requests.of(null, "s1"));
    assertThat(second).isNotSameAs(first);
    ((FakeBackend) first).available = true;
    for (int i = 0; i < 10; i++) {
      assertThat(lb.pick(Requests.of(null, "s1"))).as("stays where it was moved").isSameAs(second);
    }
  }

  @Test
  void anIdleSessionIsPlacedAgain() {
    StickyRoundRobin lb = sticky(1_000, 1000);
    Backend first = lb.pick(Requests.of(null, "s1"));
    clock.advance(TimeUnit.MILLISECONDS.toNanos(1_500));
    // Placement is round robin; the next turn after one pick is another backend.
    assertThat(lb.pick(Requests.of(null, "s1"))).isNotSameAs(first);
  }

  @Test
  void theSessionTableIsBounded() {
    StickyRoundRobin lb = sticky(60_000, 100);
    for (int s = 0; s < 1_000; s++) {
      lb.pick(Requests.of(null, "s" + s));
    }
    assertThat(lb.sessionCount()).isLessThanOrEqualTo(100);
    clock.advance(TimeUnit.SECONDS.toNanos(61));
    lb.pick(Requests.of(null, "fresh"));
    assertThat(lb.sessionCount()).as("idle sessions are purged when the table is full").isEqualTo(1);
  }

  @Test
  void requestsWithoutASessionAreRoundRobin() {
    StickyRoundRobin lb = sticky(60_000, 1000);
    Set<Backend> used = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      used.add(lb.pick(Requests.anonymous()));
    }
    assertThat(used).hasSize(3);
    assertThat(lb.sessionCount()).isZero();
  }
}
