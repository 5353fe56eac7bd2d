package io.strategybench.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Opening a fan-out by name: the names, and what a user is told when one is wrong or Redis is not there. */
class BusesTest {
  @Test
  void localNeedsNoRedis() {
    try (EventBus bus = Buses.open("local", null, null, 10)) {
      assertThat(bus).isInstanceOf(LocalBus.class);
      assertThat(bus.name()).isEqualTo("local");
    }
  }

  @Test
  void anUnknownFanOutListsTheValidOnes() {
    assertThatThrownBy(() -> Buses.open("kafka", "redis://127.0.0.1:1", "ns", 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown fan-out 'kafka'; valid: local, redis-pubsub, redis-streams");
    assertThatThrownBy(() -> Buses.open(null, "redis://127.0.0.1:1", "ns", 10))
        .hasMessage("unknown fan-out 'null'; valid: local, redis-pubsub, redis-streams");
  }

  @Test
  void anUnreachableRedisIsNamedWithWhatToDo() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "redis://127.0.0.1:" + port;
    for (String fanout : new String[] {"redis-pubsub", "redis-streams"}) {
      assertThatThrownBy(() -> Buses.open(fanout, url, "ns", 10))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("fan-out '" + fanout + "': cannot reach Redis at " + url)
          .hasMessageContaining("Connection refused")
          .hasMessageContaining("start redis-server there")
          .hasMessageContaining("apt-get install redis-server");
    }
  }

  @Test
  void aBadArgumentIsNamed() {
    assertThatThrownBy(() -> Buses.open("redis-streams", "http://nowhere", "ns", 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'http://nowhere' is not a Redis URL").hasMessageContaining("redis://HOST:PORT");
    assertThatThrownBy(() -> Buses.open("redis-pubsub", "redis://127.0.0.1:1", "", 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a namespace");
    assertThatThrownBy(() -> Buses.open("redis-streams", "redis://127.0.0.1:1", "ns", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 event of history, got 0");
  }
}
