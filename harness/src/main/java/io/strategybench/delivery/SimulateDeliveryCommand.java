package io.strategybench.delivery;

import static io.strategybench.delivery.SimulateDeliveryOptions.millis;

import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.OptionTable;
import io.strategybench.cli.StrategySelection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/** {@code bench simulate delivery}: staleness, cost and losses of each channel with each fan-out. */
@Command(name = "delivery",
    header = "Simulate real-time delivery: how stale events are when they reach subscribers, what each costs in"
        + " requests, bytes and held connections, and what an instance outage loses.",
    description = {"",
        "--subscribers are pinned to the instances in turn (local: one instance; the Redis fan-outs --instances)."
            + " Events arrive as a Poisson process at --rate, each published on a random instance, for --duration"
            + " of virtual time; every message takes --delay one way, and --hop more to reach the other instances"
            + " through Redis.",
        "",
        "Channels, by their parameters (-p): short-poll asks every interval-millis (staleness uniform on [0,"
            + " interval]; subscribers/interval requests a second whatever the rate); long-poll is held until an"
            + " event or timeout-millis (about one request per event at low rates); sse and websocket push on a"
            + " connection held open (staleness the one-way delay); webhook POSTs each event to each subscriber,"
            + " retried on the channel's schedule.",
        "",
        "With --outage the second instance (local: the only one) dies at --outage-at for that long; its subscribers"
            + " reconnect to it when it is back and resume from their last id. What the restarted instance can"
            + " replay is the fan-out's: redis-streams everything after the id (nothing lost, the missed events"
            + " late), redis-pubsub only what it heard since it restarted (the rest lost: the control), local"
            + " nothing from before. Reported: published, delivered, lost, duplicates, dead-lettered (webhook),"
            + " staleness p50/p90/p99/max, requests and bytes per delivered event, connections held (mean, peak)."
            + " Deterministic for a --seed.",
        ""})
public final class SimulateDeliveryCommand extends FamilyCommand.Simulate implements OptionTable.Host {
  private final OptionTable.Bound<SimulateDeliveryOptions> workload =
      OptionTable.of(SimulateDeliveryOptions.class).bind();

  @Override
  public Map<String, OptionTable.Bound<?>> optionTables() {
    return Map.of("delivery-workload", workload);
  }

  @Override
  public Integer call() {
    SimulateDeliveryOptions w = workload.values();
    for (String f : w.fanouts()) {
      if (!DeliveryFamily.FANOUTS.containsKey(f)) {
        throw new ParameterException(spec.commandLine(), "--fanout: unknown fan-out '" + f + "'; valid: "
            + String.join(", ", DeliveryFamily.FANOUTS.keySet()));
      }
    }
    var chosen = StrategySelection.resolve(registry(), DeliveryChannel.FAMILY, options.strategies, options.params);
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (var c : chosen) {
      var d = c.descriptor();
      if (!DeliverySimulations.simulates(d)) {
        skipped.add(d.name());
        continue;
      }
      for (String fanout : w.fanouts()) {
        progress("simulating %s with %s...", d.name(), fanout);
        DeliverySimulator.Config config = DeliverySimulations.config(d, c.params(), fanout, w.subscribers(),
            w.instances(), w.rate(), millis(w.durationNanos()) / 1000, millis(w.delayNanos()), millis(w.hopNanos()),
            millis(w.outageAtNanos()) / 1000, millis(w.outageNanos()), w.dataBytes(), w.seed());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("channel", d.name());
        row.putAll(DeliverySimulations.figures(DeliverySimulator.run(config), config));
        rows.add(row);
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("workload", w);
    if (!skipped.isEmpty()) {
      doc.put("skipped", skipped);
    }
    return print(doc, rows, out -> printTable(out, rows, skipped, w));
  }

  private static void printTable(PrintWriter out, List<Map<String, Object>> rows, List<String> skipped,
      SimulateDeliveryOptions w) {
    out.printf(Locale.ROOT, "%d subscribers, %.1f events/s for %.0f s, %.1f ms one way, %.1f ms hop%s, seed %d%n",
        w.subscribers(), w.rate(), millis(w.durationNanos()) / 1000, millis(w.delayNanos()), millis(w.hopNanos()),
        w.outageNanos() > 0 ? String.format(Locale.ROOT, ", an instance down %.1f s at %.1f s",
            millis(w.outageNanos()) / 1000, millis(w.outageAtNanos()) / 1000) : "", w.seed());
    out.printf("%-11s %-14s %4s %9s %9s %7s %5s %6s %9s %9s %9s %9s %8s %8s %7s%n", "channel", "fan-out", "inst",
        "published", "delivered", "lost", "dups", "dead", "p50 ms", "p99 ms", "max ms", "req/s", "req/ev", "B/ev",
        "conns");
    for (Map<String, Object> r : rows) {
      out.printf(Locale.ROOT, "%-11s %-14s %4s %9s %9s %7s %5s %6s %9.1f %9.1f %9.1f %9.1f %8.2f %8.0f %7.1f%n",
          r.get("channel"), r.get("fanout"), r.get("instances"), r.get("published"), r.get("delivered"),
          r.get("lost"), r.get("duplicates"), r.get("deadLettered"), d(r, "stalenessP50Millis"),
          d(r, "stalenessP99Millis"), d(r, "stalenessMaxMillis"), d(r, "requestsPerSecond"),
          d(r, "requestsPerDeliveredEvent"), d(r, "bytesPerDeliveredEvent"), d(r, "connectionsHeldMean"));
    }
    for (String name : skipped) {
      out.printf("%-11s skipped: the simulator models short-poll, long-poll, sse, websocket and webhook%n", name);
    }
  }

  private static double d(Map<String, Object> row, String key) {
    return ((Number) row.get(key)).doubleValue();
  }
}
