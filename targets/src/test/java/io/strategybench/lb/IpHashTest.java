package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.testing.FakeBackend;
import io.strategybench.testing.Requests;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpHashTest {
  private final List<FakeBackend> pool = new ArrayList<>();
  private final IpHash lb = new IpHash();

  IpHashTest() {
    for (int i = 0; i < 5; i++) {
      pool.add(new FakeBackend("b" + i, 1));
    }
    lb.setBackends(pool);
  }

  private static String client(int i) {
    return "10.0." + (i >> 8) + "." + (i & 255);
  }

  @Test
  void keepsEachClientOnItsBackendWhileItIsHealthy() {
    for (int c = 0; c < 500; c++) {
      Backend first = lb.pick(Requests.of(client(c), null));
      for (int repeat = 0; repeat < 20; repeat++) {
        assertThat(lb.pick(Requests.of(client(c), "session-" + repeat))).isSameAs(first);
      }
    }
  }

  @Test
  void movesAClientOffAnUnhealthyBackendAndBackWhenItRecovers() {
    Map<String, Backend> home = new HashMap<>();
    for (int c = 0; c < 500; c++) {
      home.put(client(c), lb.pick(Requests.of(client(c), null)));
    }
    FakeBackend down = pool.get(2);
    down.available = false;
    Map<String, Backend> moved = new HashMap<>();
    for (int c = 0; c < 500; c++) {
      Backend now = lb.pick(Requests.of(client(c), null));
      assertThat(now).isNotSameAs(down);
      if (home.get(client(c)) != down) {
        assertThat(now).as("a client whose backend is healthy stays").isSameAs(home.get(client(c)));
      } else {
        // Its new backend is deterministic: asking again gives the same one.
        assertThat(lb.pick(Requests.of(client(c), null))).isSameAs(now);
        moved.put(client(c), now);
      }
    }
    assertThat(moved).isNotEmpty();
    down.available = true;
    for (int c = 0; c < 500; c++) {
      assertThat(lb.pick(Requests.of(client(c), null))).isSameAs(home.get(client(c)));
    }
  }

  @Test
  void spreadsManyClientsEvenly() {
    Map<Backend, Integer> counts = new HashMap<>();
    int clients = 50_000;
    for (int c = 0; c < clients; c++) {
      counts.merge(lb.pick(Requests.of("172.16." + (c >> 8 & 255) + "." + (c & 255) + ":" + (c >> 16), null)), 1,
          Integer::sum);
    }
    // Expected 10,000 each; a fair hash stays within 3% (the binomial standard deviation is 0.9%).
    counts.values().forEach(count -> assertThat(count).isBetween(9_700, 10_300));
  }
}
