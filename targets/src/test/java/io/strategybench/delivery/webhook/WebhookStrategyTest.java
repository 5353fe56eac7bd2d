package io.strategybench.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.delivery.DeliveryChannel;
import io.strategybench.delivery.Event;
import io.strategybench.delivery.Webhook;
import io.strategybench.strategy.Strategy;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The webhook channel as a strategy: found by the service loader, its defaults, its body. */
class WebhookStrategyTest {
  @Test
  void theServiceFileListsTheFiveChannelsInOrder() {
    assertThat(ServiceLoader.load(DeliveryChannel.class).stream().map(p -> p.type().getName()).toList())
        .containsExactly("io.strategybench.delivery.ShortPoll", "io.strategybench.delivery.LongPoll",
            "io.strategybench.delivery.Sse", "io.strategybench.delivery.WebSocketChannel",
            "io.strategybench.delivery.Webhook");
    Strategy strategy = Webhook.class.getAnnotation(Strategy.class);
    assertThat(strategy.name()).isEqualTo("webhook");
    assertThat(strategy.characteristics()).containsExactly(DeliveryChannel.PUSH, DeliveryChannel.SERVER_TO_SERVER);
  }

  @Test
  void defaultsAndBody() {
    Webhook webhook = new Webhook();
    RetryPolicy policy = webhook.policy();
    assertThat(policy.toString()).isEqualTo("RetryPolicy[maxAttempts=8, initialDelayMillis=500, multiplier=2.0,"
        + " maxDelayMillis=60000, jitter=0.2]");
    assertThat(webhook.timeoutMillis()).isEqualTo(5_000);
    assertThat(webhook.toleranceSeconds()).isEqualTo(300);
    assertThat(webhook.endpoint()).isEqualTo("subscriber URL");
    Event event = new Event("7", 7, 1_733_300_000_000_001L, "hi \"there\"");
    byte[] body = webhook.encode(event);
    assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"event.published\","
        + "\"timestamp\":\"2024-12-04T08:13:20.000001Z\",\"data\":{\"id\":\"7\",\"seq\":7,"
        + "\"published\":1733300000000001,\"data\":\"hi \\\"there\\\"\"}}");
    assertThat(WebhookPayload.decode(body)).isEqualTo(event);
  }
}
