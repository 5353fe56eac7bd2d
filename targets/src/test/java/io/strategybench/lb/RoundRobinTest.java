package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.testing.FakeBackend;
import io.strategybench.testing.Requests;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
  @Test
  void takesEachBackendInTurn() {
    List<FakeBackend> pool = List.of(new FakeBackend("a", 5), new FakeBackend("b", 1), new FakeBackend("c", 1));
    RoundRobin lb = new RoundRobin();
    lb.setBackends(pool);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      names.add(lb.pick(Requests.anonymous()).name());
    }
    assertThat(names).containsExactly("a", "b", "c", "a", "b", "c", "a", "b", "c");
  }

  @Test
  void neverPicksAnUnavailableBackend() {
    List<FakeBackend> pool = List.of(new FakeBackend("a", 1), new FakeBackend("b", 1), new FakeBackend("c", 1));
    RoundRobin lb = new RoundRobin();
    lb.setBackends(pool);
    pool.get(1).available = false;
    for (int i = 0; i < 100; i++) {
      assertThat(lb.pick(Requests.anonymous()).name()).isNotEqualTo("b");
    }
    pool.forEach(b -> b.available = false);
    assertThat(lb.pick(Requests.anonymous())).isNull();
  }

  @Test
  void aRemovedBackendGetsNoMorePicks() {
    FakeBackend a = new FakeBackend("a", 1);
    FakeBackend b = new FakeBackend("b", 1);
    RoundRobin lb = new RoundRobin();
    lb.setBackends(List.of(a, b));
    lb.setBackends(List.of(a));
    for (int i = 0; i < 10; i++) {
      assertThat(lb.pick(Requests.anonymous())).isSameAs(a);
    }
  }
}
