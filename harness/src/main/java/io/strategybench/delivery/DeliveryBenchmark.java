package io.strategybench.delivery;

import io.strategybench.family.FamilyModules;
import io.strategybench.run.JmhDefaults;
import io.strategybench.strategy.StrategyContext;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: one event encoded as its channel puts it on the wire (an SSE frame, a WebSocket message's payload, a poll
 * answer's element, a webhook's body), {@code dataBytes} of data, a new sequence number each call so that nothing is
 * cached; and beside it the event's JSON alone, the part every channel shares.
 */
@State(Scope.Thread)
public class DeliveryBenchmark extends JmhDefaults {
  @Param({"sse"})
  public String strategy;

  @Param({"100"})
  public int dataBytes;

  private DeliveryChannel channel;
  private String data;
  private long seq;

  @Setup
  public void setup() {
    channel = (DeliveryChannel) FamilyModules.fromHome().registry().strategy(DeliveryChannel.FAMILY, strategy)
        .create(Map.of(), StrategyContext.system());
    data = "x".repeat(dataBytes);
  }

  @Benchmark
  public byte[] encode() {
    long s = ++seq;
    return channel.encode(new Event(Long.toString(s), s, 1_733_300_000_000_000L + s, data));
  }

  @Benchmark
  public String json() {
    long s = ++seq;
    return new Event(Long.toString(s), s, 1_733_300_000_000_000L + s, data).toJson();
  }
}
