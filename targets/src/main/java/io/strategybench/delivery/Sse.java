package io.strategybench.delivery;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategySettings;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events ({@code GET /events}, {@code text/event-stream}): every event framed with its {@code id:}, the
 * stream opened with {@code retry:}; a client resumes with {@code Last-Event-ID} (or {@code ?lastEventId=}).
 */
@Strategy(name = "sse", summary = "GET /events, text/event-stream with id: on every event; Last-Event-ID resumes",
    characteristics = {DeliveryChannel.PUSH, DeliveryChannel.HOLDS_CONNECTION, DeliveryChannel.RESUMES})
public final class Sse implements DeliveryChannel {
  /** A stream's parameters. */
  public static final class Settings implements StrategySettings {
    @Setting(description = "milliseconds a client waits before reconnecting (the stream's retry: field)", min = 0,
        max = 3_600_000)
    public long retryMillis = 1000;

    @Setting(description = "seconds between comment lines that keep an idle stream open through proxies (0: none)",
        min = 0, max = 3600)
    public long heartbeatSeconds = 15;
  }

  private final Settings settings;

  public Sse() {
    this(new Settings());
  }

  public Sse(Settings settings) {
    this.settings = settings;
  }

  public long retryMillis() {
    return settings.retryMillis;
  }

  public long heartbeatSeconds() {
    return settings.heartbeatSeconds;
  }

  @Override
  public String endpoint() {
    return "/events";
  }

  @Override
  public byte[] encode(Event event) {
    return frame(event).getBytes(StandardCharsets.UTF_8);
  }

  /** One event as the stream carries it: {@code id: ID}, {@code data: JSON}, a blank line. */
  public static String frame(Event event) {
    return "id: " + event.id() + "\ndata: " + event.toJson() + "\n\n";
  }
}
