package io.strategybench.delivery.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.delivery.Event;
import io.strategybench.delivery.EventBus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code redis-pubsub} against a real redis-server: the contract, and what only an instance's own log holds. */
class RedisPubSubBusTest extends RedisBusContract {
  @Override
  EventBus newBus(String url, String ns, int history) {
    return new RedisPubSubBus(url, ns, history, 2000);
  }

  /** The control loses them: C did not exist while they were published, and replays only what it heard. */
  @Override
  List<Long> expectedReplayOnNewInstance(long k, long n) {
    return List.of();
  }

  @Override
  String formInMessage() {
    return "a sequence number (digits only";
  }

  @Test
  void afterReplaysFromTheInstancesOwnBoundedLog() throws Exception {
    EventBus bus = open(redis.uri(), 3);
    Recorder recorder = new Recorder();
    bus.subscribe(recorder);
    for (int i = 1; i <= 5; i++) {
      get(bus.publish("e" + i));
    }
    await("all five are heard", () -> recorder.events.size() == 5);
    assertThat(get(bus.after(null, 10)).stream().map(Event::seq).toList()).as("the last 3 held")
        .isEqualTo(range(3, 5));
    assertThat(get(bus.after("3", 10)).stream().map(Event::seq).toList()).isEqualTo(range(4, 5));
    assertThat(get(bus.after("4", 1)).stream().map(Event::seq).toList()).isEqualTo(range(5, 5));
    assertThat(get(bus.after("5", 10))).isEmpty();
    assertThat(bus.stats()).containsEntry("held", 3).containsEntry("heard", 5L);
    assertThat(bus.checkId("42")).isNull();
    ((RedisPubSubBus) bus).reset();
    assertThat(get(bus.after(null, 10))).isEmpty();
    assertThat(get(bus.publish("after reset")).seq()).as("the sequence starts again").isEqualTo(1);
  }
}
