package io.strategybench.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PollReplyTest {
  @Test
  void readsAnEventInTheTargetsForm() {
    ReceivedEvent e = ReceivedEvent.parse(
        "{\"id\":\"7\",\"seq\":7,\"published\":1733300000000123,\"data\":\"a \\\"b\\\" \\\\ \\n\\u0001\"}");
    assertThat(e).isEqualTo(new ReceivedEvent("7", 7, 1733300000000123L, 10));
  }

  @Test
  void readsAStreamIdAsIs() {
    ReceivedEvent e = ReceivedEvent.parse("{\"id\":\"1733300000000-0\",\"seq\":3,\"published\":5,\"data\":\"\"}");
    assertThat(e.id()).isEqualTo("1733300000000-0");
    assertThat(e.dataLength()).isZero();
  }

  @Test
  void readsAPollsAnswer() {
    PollReply r = PollReply.parse("{\"events\":[{\"id\":\"8\",\"seq\":8,\"published\":100,\"data\":\"x\"},"
        + " {\"id\":\"9\",\"seq\":9,\"published\":101,\"data\":\"{\\\"k\\\":[1,2]}\"}],\"last\":\"9\"}\n");
    assertThat(r.events()).containsExactly(new ReceivedEvent("8", 8, 100, 1), new ReceivedEvent("9", 9, 101, 11));
    assertThat(r.last()).isEqualTo("9");
  }

  @Test
  void readsAnEmptyAnswerInEitherOrderAndSkipsUnknownFields() {
    PollReply r = PollReply.parse("{ \"last\" : \"42\", \"extra\": {\"a\": [1, \"]\"], \"b\": null}, \"events\" : [ ] }");
    assertThat(r.events()).isEmpty();
    assertThat(r.last()).isEqualTo("42");
  }

  @Test
  void refusesWhatIsNotAnAnswer() {
    assertThatThrownBy(() -> PollReply.parse("{\"events\":[]}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PollReply.parse("{\"events\":[],\"last\":\"1\"} x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PollReply.parse("{\"events\":[{\"id\":\"1\"}],\"last\":\"1\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReceivedEvent.parse("{\"id\":\"1\",\"seq\":1,\"published\":1,\"data\":\"x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReceivedEvent.parse("retry: 1000")).isInstanceOf(IllegalArgumentException.class);
  }
}
