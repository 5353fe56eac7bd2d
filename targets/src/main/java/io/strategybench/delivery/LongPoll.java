package io.strategybench.delivery;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategySettings;
import java.nio.charset.StandardCharsets;

/**
 * The client asks {@code GET /poll?after=ID&wait=S}; the target answers at once when events came since, else holds
 * the request until one comes or {@code timeout-millis} passes (then an empty answer), and the client asks again.
 */
@Strategy(name = "long-poll", summary = "GET /poll?after=ID&wait=S held until an event or the timeout: about a"
    + " request per event at low rates", characteristics = {DeliveryChannel.PULL, DeliveryChannel.RESUMES,
        DeliveryChannel.HOLDS_CONNECTION})
public final class LongPoll implements DeliveryChannel {
  /** A long poll's parameters. */
  public static final class Settings implements StrategySettings {
    @Setting(description = "milliseconds the target holds a poll with nothing to answer", min = 1, max = 300_000)
    public long timeoutMillis = 30_000;
  }

  private final Settings settings;

  public LongPoll() {
    this(new Settings());
  }

  public LongPoll(Settings settings) {
    this.settings = settings;
  }

  public long timeoutMillis() {
    return settings.timeoutMillis;
  }

  @Override
  public String endpoint() {
    return "/poll";
  }

  @Override
  public byte[] encode(Event event) {
    return PollAnswer.element(event).getBytes(StandardCharsets.UTF_8);
  }
}
