package io.strategybench.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryRecorderTest {
  private static final long START = 1_000_000;

  private static ReceivedEvent event(long seq) {
    return new ReceivedEvent(Long.toString(seq), seq, START + seq * 1000, 3);
  }

  @Test
  void countsGapsAndDuplicatesPerSubscriberAgainstWhatWasPublished() {
    DeliveryRecorder r = new DeliveryRecorder(3);
    // a warm-up event: not counted, even though its sequence number comes back after the reset
    r.received(0, new ReceivedEvent("3", 3, START - 1, 3), START - 1);
    r.measuredPhaseStarts(START);
    for (long seq = 1; seq <= 10; seq++) {
      r.published(seq);
    }
    r.publishFailed();
    // subscriber 0: everything, once
    for (long seq = 1; seq <= 10; seq++) {
      r.received(0, event(seq), START + seq * 1000 + 500);
    }
    // subscriber 1: 3 twice (a resume that replayed it), 5 and 7 never, 11 whose publish answer was lost
    for (long seq : new long[] {1, 2, 3, 3, 4, 6, 8, 9, 10, 11}) {
      r.received(1, event(seq), START + seq * 1000 + 500);
    }
    // subscriber 2: nothing
    DeliveryRecorder.Summary s = r.summary(10);
    r.close();

    assertThat(s.published()).isEqualTo(10);
    assertThat(s.publishFailed()).isEqualTo(1);
    assertThat(s.delivered()).containsExactly(10, 8, 0);
    assertThat(s.gaps()).containsExactly(0, 2, 10);
    assertThat(s.duplicates()).containsExactly(0, 1, 0);
    assertThat(s.totalDelivered()).isEqualTo(18);
    assertThat(s.totalGaps()).isEqualTo(12);
    assertThat(s.unconfirmed()).isEqualTo(1);
    assertThat(s.messages()).isEqualTo(20);
    assertThat(s.latencyMicros().getTotalCount()).isEqualTo(20);
    assertThat(s.latencyMicros().getMinValue()).isEqualTo(500);
    assertThat(s.latencyMicros().getMaxValue()).isBetween(500L, 501L);
    String json = s.toJson("sse", "\"instances\": 1");
    assertThat(json).contains("\"delivered\": 18,", "\"gaps\": 12,", "\"duplicates\": 1,", "\"expected\": 30,",
        "\"eventsPerSecond\": 1.800,", "\"gaps\": [0, 2, 10]", "\"p99\": 0.500");
  }

  @Test
  void countsReconnectsAndFailuresOfTheMeasuredPhase() {
    DeliveryRecorder r = new DeliveryRecorder(2);
    r.connected(0);
    r.dropped(0);
    r.connected(0); // a warm-up reconnect: not counted
    r.connected(1);
    assertThat(r.connectedCount()).isEqualTo(2);
    r.measuredPhaseStarts(START);
    assertThat(r.phase()).isEqualTo("measured");
    r.request(0);
    r.dropped(0);
    r.request(0);
    r.connectFailed(0);
    r.request(0);
    r.connected(0);
    r.bytes(1, 100);
    DeliveryRecorder.Summary s = r.summary(1);
    assertThat(s.reconnects()).containsExactly(1, 0);
    assertThat(s.requests()).containsExactly(3, 0);
    assertThat(s.connectFailures()).isEqualTo(1);
    assertThat(s.drops()).isEqualTo(1);
    assertThat(s.payloadBytes()).isEqualTo(100);
  }
}
