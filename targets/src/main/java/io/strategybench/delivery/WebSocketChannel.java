package io.strategybench.delivery;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategySettings;
import java.nio.charset.StandardCharsets;

/**
 * WebSocket ({@code GET /ws}, Netty's codec): each event one text message, its JSON; the target pings every
 * {@code ping-seconds} and closes a connection that has not answered a ping by the next one. A client resumes by
 * sending {@code {"after":"ID"}} (or {@code ?after=ID} on the upgrade).
 */
@Strategy(name = "websocket", summary = "GET /ws upgraded, each event one text message; pings keep it honest",
    characteristics = {DeliveryChannel.PUSH, DeliveryChannel.HOLDS_CONNECTION, DeliveryChannel.RESUMES})
public final class WebSocketChannel implements DeliveryChannel {
  /** A WebSocket's parameters. */
  public static final class Settings implements StrategySettings {
    @Setting(description = "seconds between the target's pings (0: none)", min = 0, max = 3600)
    public long pingSeconds = 15;
  }

  private final Settings settings;

  public WebSocketChannel() {
    this(new Settings());
  }

  public WebSocketChannel(Settings settings) {
    this.settings = settings;
  }

  public long pingSeconds() {
    return settings.pingSeconds;
  }

  @Override
  public String endpoint() {
    return "/ws";
  }

  @Override
  public byte[] encode(Event event) {
    return event.toJson().getBytes(StandardCharsets.UTF_8);
  }
}
