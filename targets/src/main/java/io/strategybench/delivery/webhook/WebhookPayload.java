package io.strategybench.delivery.webhook;

import io.strategybench.delivery.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The body of a webhook request, in the Standard Webhooks payload shape:
 * {@code {"type":"event.published","timestamp":"2024-12-04T08:13:20.000001Z","data":<the event's JSON>}}. The
 * timestamp is the event's publish time, so one event's body is the same bytes on every attempt and for every
 * subscriber (only the signature headers change per attempt).
 */
public final class WebhookPayload {
  /** The payload's {@code type}. */
  public static final String TYPE = "event.published";

  private static final String HEAD = "{\"type\":\"" + TYPE + "\",\"timestamp\":\"";
  private static final String DATA = "\",\"data\":";

  private WebhookPayload() {}

  /** The body for an event, UTF-8. */
  public static byte[] encode(Event event) {
    long micros = event.publishedMicros();
    Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    return (HEAD + at + DATA + event.toJson() + "}").getBytes(StandardCharsets.UTF_8);
  }

  /** The event in a body {@link #encode} wrote; throws naming what is wrong otherwise. */
  public static Event decode(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    int data = text.indexOf(DATA);
    if (!text.startsWith(HEAD) || data < 0 || !text.endsWith("}")) {
      throw new IllegalArgumentException("not a webhook payload of type " + TYPE + " (expected " + HEAD
          + "...\"data\":{...}}): " + (text.length() > 120 ? text.substring(0, 120) + "..." : text));
    }
    return Event.fromJson(text.substring(data + DATA.length(), text.length() - 1));
  }
}
