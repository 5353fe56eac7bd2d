package io.strategybench.delivery;

import io.strategybench.cli.OptionTable;
import io.strategybench.delivery.webhook.WebhookSubscriptions;
import io.strategybench.family.FamilyBase;
import io.strategybench.family.StageFactory;
import io.strategybench.strategy.StrategyContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The real-time delivery family: which channel, and which fan-out between instances, gets events to clients. */
public final class DeliveryFamily extends FamilyBase<DeliveryPlan> {
  static final Map<String, String> FANOUTS = fanouts();

  public DeliveryFamily() {
    super(DeliveryChannel.FAMILY, 60, DeliveryPlan.class, SimulateDeliveryCommand::new, MicroDeliveryCommand::new,
        DeliveryRunner::new, DeliverySection::new);
  }

  private static Map<String, String> fanouts() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("local", "events reach the subscribers of the instance they were published on, and no other");
    m.put("redis-pubsub", "Redis PUBLISH to every instance, at most once: an instance has what it heard while it"
        + " ran (the control: a client whose instance died loses what was published meanwhile)");
    m.put("redis-streams", "a Redis stream; its entry id is the event id: a client resuming on any instance with"
        + " its Last-Event-ID misses nothing");
    return m;
  }

  @Override
  public List<Listing> listed() {
    return List.of(new Listing("fanouts", "fan-outs between instances (serve --fanout; a suite's fanouts)", FANOUTS));
  }

  @Override
  protected void check(DeliveryPlan plan, Problems problems) {
    for (int i = 0; i < plan.fanouts().size(); i++) {
      fanout(plan.fanouts().get(i), "fanouts/" + i, problems);
    }
    if (plan.loadFanouts() != null) {
      for (int i = 0; i < plan.loadFanouts().size(); i++) {
        fanout(plan.loadFanouts().get(i), "loadFanouts/" + i, problems);
      }
    }
    if (plan.killAt() < 0 || plan.killAt() >= 1) {
      problems.at("killAt", "a share of the measured phase, 0 (no kill) to below 1, got " + plan.killAt());
    }
    if (plan.outageMillis() < 0 || plan.outageAtSeconds() < 0) {
      problems.at("outageMillis", "the outage's start and length are 0 or more");
    } else if (plan.outageMillis() > 0 && plan.outageAtSeconds() >= plan.simulateSeconds()) {
      problems.at("outageAtSeconds", "the outage starts within the simulated " + plan.simulateSeconds()
          + " s, got " + plan.outageAtSeconds() + " s");
    }
    if (plan.capacityP95Millis() <= 0 && plan.capacitySubscribers() != null && !plan.capacitySubscribers().isEmpty()) {
      problems.at("capacityP95Millis", "the delivery p95 a capacity step must stay under is more than 0 ms, got "
          + plan.capacityP95Millis());
    }
    if (plan.capacitySubscribers() != null) {
      for (int i = 0; i < plan.capacitySubscribers().size(); i++) {
        if (plan.capacitySubscribers().get(i) < 1) {
          problems.at("capacitySubscribers/" + i, "a step holds at least 1 subscriber, got "
              + plan.capacitySubscribers().get(i));
        }
      }
    }
  }

  private static void fanout(String name, String field, Problems problems) {
    if (!FANOUTS.containsKey(name)) {
      problems.at(field, "unknown fan-out '" + name + "'; valid: " + String.join(", ", FANOUTS.keySet()));
    }
  }

  @Override
  public StageFactory stages() {
    return StageFactory.of("sse", () -> OptionTable.of(DeliveryOptions.class).bind(), request -> {
      DeliveryOptions options = request.options(DeliveryOptions.class);
      if (!FANOUTS.containsKey(options.fanout())) {
        throw new IllegalArgumentException("--fanout: unknown fan-out '" + options.fanout() + "'; valid: "
            + String.join(", ", FANOUTS.keySet()));
      }
      request.strategy().validate(request.params());
      DeliveryChannel channel = (DeliveryChannel) request.strategy().create(request.params(),
          StrategyContext.system());
      EventBus bus = options.openBus();
      WebhookSubscriptions webhooks = new WebhookSubscriptions(channel instanceof Webhook w ? w : new Webhook(),
          !options.webhookAnyHost());
      DeliveryStage stage = new DeliveryStage(request.strategy().name(), bus,
          DeliveryStage.Config.of(channel, options.maxSubscribers(), request.last()), webhooks);
      return new StageFactory.Built(stage, "events by " + request.strategy().name() + " (" + channel.endpoint()
          + "), fan-out " + bus.name() + ("local".equals(bus.name()) ? "" : " through " + options.redisUrl()));
    });
  }
}
