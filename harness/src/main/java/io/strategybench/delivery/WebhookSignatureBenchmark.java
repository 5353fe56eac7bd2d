package io.strategybench.delivery;

import io.strategybench.delivery.webhook.WebhookPayload;
import io.strategybench.delivery.webhook.WebhookSignature;
import io.strategybench.delivery.webhook.WebhookVerificationException;
import io.strategybench.run.JmhDefaults;
import java.util.Map;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: a webhook's signature (Standard Webhooks: HMAC-SHA256 of {@code id.timestamp.body}, base64, {@code v1,}) as
 * the sender makes it for every attempt, and the receiver's check of it (headers read, tolerance window, constant-time
 * comparison), for a body of one event with {@code dataBytes} of data.
 */
@State(Scope.Thread)
public class WebhookSignatureBenchmark extends JmhDefaults {
  /** The channel the scores belong to (always webhook). */
  @Param({"webhook"})
  public String strategy;

  @Param({"100"})
  public int dataBytes;

  private WebhookSignature signature;
  private byte[] body;
  private String id;
  private long timestamp;
  private Map<String, String> headers;

  @Setup
  public void setup() {
    signature = new WebhookSignature(WebhookSignature.newSecret(new SplittableRandom(1)));
    Event event = new Event("42", 42, Event.nowMicros(), "x".repeat(dataBytes));
    body = WebhookPayload.encode(event);
    id = "msg_42";
    timestamp = System.currentTimeMillis() / 1000;
    headers = Map.of(WebhookSignature.ID_HEADER, id, WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp),
        WebhookSignature.SIGNATURE_HEADER, signature.sign(id, timestamp, body));
  }

  @Benchmark
  public String sign() {
    return signature.sign(id, timestamp, body);
  }

  @Benchmark
  public boolean verify() throws WebhookVerificationException {
    signature.verify(headers::get, body, timestamp);
    return true;
  }
}
