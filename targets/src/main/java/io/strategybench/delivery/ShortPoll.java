package io.strategybench.delivery;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategySettings;
import java.nio.charset.StandardCharsets;

/** The client asks {@code GET /poll?after=ID} every {@code interval-millis} and gets what came since, at once. */
@Strategy(name = "short-poll", summary = "GET /poll?after=ID every interval: staleness up to the interval, a request"
    + " per interval per client whatever the event rate", characteristics = {DeliveryChannel.PULL,
        DeliveryChannel.RESUMES})
public final class ShortPoll implements DeliveryChannel {
  /** A short poller's parameters. */
  public static final class Settings implements StrategySettings {
    @Setting(description = "milliseconds between a client's polls", min = 1, max = 3_600_000)
    public long intervalMillis = 1000;
  }

  private final Settings settings;

  public ShortPoll() {
    this(new Settings());
  }

  public ShortPoll(Settings settings) {
    this.settings = settings;
  }

  public long intervalMillis() {
    return settings.intervalMillis;
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
