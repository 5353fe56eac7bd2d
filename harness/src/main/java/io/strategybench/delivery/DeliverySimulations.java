package io.strategybench.delivery;

import io.strategybench.results.RunResults.Check;
import io.strategybench.run.Figures;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A channel's simulation as a suite and {@code bench simulate delivery} run it: the channel's own parameters (poll
 * interval, long-poll timeout, the stream's retry, the webhook's retry schedule) from the strategy as built, the
 * workload from the plan or the command line, and the checks its characteristics promise.
 */
final class DeliverySimulations {
  private DeliverySimulations() {}

  /** A simulation's figures (for results.json) and its checks. */
  record Outcome(Map<String, Object> figures, List<Check> checks, DeliverySimulator.Result result) {}

  /** Whether the simulator models {@code channel}. */
  static boolean simulates(StrategyDescriptor<DeliveryChannel> channel) {
    return DeliverySimulator.CHANNELS.contains(channel.name());
  }

  /** The simulator's configuration for {@code channel} (built with {@code params}) and a workload. */
  static DeliverySimulator.Config config(StrategyDescriptor<DeliveryChannel> descriptor, Map<String, String> params,
      String fanout, int subscribers, int instances, double eventsPerSecond, double seconds, double delayMillis,
      double hopMillis, double outageAtSeconds, double outageMillis, int dataBytes, long seed) {
    DeliveryChannel channel = descriptor.create(params, StrategyContext.system());
    int n = "local".equals(fanout) ? 1 : instances;
    return DeliverySimulator.Config.DEFAULT.with(b -> {
      b.channel = descriptor.name();
      b.fanout = fanout;
      b.subscribers = subscribers;
      b.instances = n;
      b.eventsPerSecond = eventsPerSecond;
      b.durationSeconds = seconds;
      b.oneWayDelayMillis = delayMillis;
      b.publishHopMillis = "local".equals(fanout) ? 0 : hopMillis;
      b.eventDataBytes = dataBytes;
      b.seed = seed;
      if (outageMillis > 0) {
        b.outage(n == 1 ? 0 : 1, outageAtSeconds, Math.round(outageMillis));
      }
      if (channel instanceof ShortPoll sp) {
        b.pollIntervalMillis = sp.intervalMillis();
      } else if (channel instanceof LongPoll lp) {
        b.longPollTimeoutMillis = lp.timeoutMillis();
      } else if (channel instanceof Sse sse) {
        b.reconnectMillis = sse.retryMillis();
      } else if (channel instanceof Webhook w) {
        b.retryDelayMillis = attempt -> w.policy().baseDelayMillis(attempt);
        b.maxAttempts = w.policy().maxAttempts();
      }
    });
  }

  /** One simulation of the plan's workload with {@code fanout}. */
  static Outcome run(StrategyDescriptor<DeliveryChannel> d, StrategyRegistry registry, DeliveryPlan plan,
      String fanout) {
    DeliverySimulator.Config c = config(d, Map.of(), fanout, plan.subscribers(), plan.instances(),
        plan.eventsPerSecond(), plan.simulateSeconds(), plan.oneWayDelayMillis(), plan.publishHopMillis(),
        plan.outageAtSeconds(), plan.outageMillis(), 64, plan.seed());
    DeliverySimulator.Result r = DeliverySimulator.run(c);
    return new Outcome(figures(r, c), checks(d, c, r), r);
  }

  static Map<String, Object> figures(DeliverySimulator.Result r, DeliverySimulator.Config c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fanout", r.fanout());
    m.put("instances", c.instances());
    m.put("subscribers", c.subscribers());
    m.put("outageMillis", c.outageDownMillis());
    m.put("published", r.published());
    m.put("publishFailed", r.publishFailed());
    m.put("delivered", r.delivered());
    m.put("lost", r.lost());
    m.put("lostToFanout", r.lostToFanout());
    m.put("duplicates", r.duplicates());
    m.put("deadLettered", r.deadLettered());
    m.put("stalenessP50Millis", Figures.round(r.stalenessP50Millis()));
    m.put("stalenessP90Millis", Figures.round(r.stalenessP90Millis()));
    m.put("stalenessP99Millis", Figures.round(r.stalenessP99Millis()));
    m.put("stalenessMaxMillis", Figures.round(r.stalenessMaxMillis()));
    m.put("stalenessMeanMillis", Figures.round(r.stalenessMeanMillis()));
    m.put("requests", r.requests());
    m.put("requestsPerSecond", Figures.round(r.requestsPerSecond()));
    m.put("requestsPerDeliveredEvent", Figures.round(r.requestsPerDeliveredEvent()));
    m.put("bytesPerDeliveredEvent", Figures.round(r.bytesPerDeliveredEvent()));
    m.put("connectionsHeldMean", Figures.round(r.connectionsHeldMean()));
    m.put("connectionsHeldPeak", r.connectionsHeldPeak());
    return m;
  }

  /**
   * What the channel and fan-out promise through the outage: no subscriber gets an event twice; a resuming channel
   * on redis-streams loses nothing; on redis-pubsub (the control) the subscribers of the instance that died lose
   * what was published while it was down.
   */
  static List<Check> checks(StrategyDescriptor<DeliveryChannel> d, DeliverySimulator.Config c,
      DeliverySimulator.Result r) {
    List<Check> checks = new ArrayList<>();
    String where = c.fanout() + (c.outageDownMillis() > 0 ? ", one instance down " + c.outageDownMillis() + " ms"
        : "") + ": ";
    checks.add(new Check(where + "no subscriber gets an event twice", "simulate", r.duplicates() == 0,
        r.duplicates(), "== 0"));
    if (d.has(DeliveryChannel.RESUMES) && "redis-streams".equals(c.fanout())) {
      checks.add(new Check(where + "resuming from the last id, no subscriber misses an event", "simulate",
          r.lost() == 0, r.lost(), "== 0"));
    }
    if (d.has(DeliveryChannel.RESUMES) && "redis-pubsub".equals(c.fanout()) && c.outageDownMillis() > 0
        && c.eventsPerSecond() * c.outageDownMillis() / 1000.0 >= 3) {
      checks.add(new Check(where + "the control: subscribers of the instance that died lose what was published"
          + " while it was down", "simulate", r.lost() > 0, r.lost(), "> 0"));
    }
    if (d.has(DeliveryChannel.SERVER_TO_SERVER) && (c.outageDownMillis() == 0 || "redis-streams".equals(c.fanout()))) {
      // with an outage, the dead sender's pending retries are lost unless it resumes from the stream (the model)
      long expected = r.published() * c.subscribers();
      checks.add(new Check(where + "every webhook delivered or dead-lettered", "simulate",
          r.delivered() + r.deadLettered() == expected, r.delivered() + r.deadLettered(), "== " + expected));
    }
    return checks;
  }
}
