package io.strategybench.delivery;

import io.strategybench.cli.Bench;
import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.StrategySelection;
import io.strategybench.run.MicroLens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code bench micro delivery}: JMH of encoding one event per channel, and of a webhook's signature. */
@Command(name = "delivery", header = "JMH: one event encoded per channel; a webhook signed and verified.",
    description = {"",
        "Runs DeliveryBenchmark for every chosen channel: encode (the event as the channel puts it on the wire: an"
            + " SSE frame, a WebSocket message, a poll answer's element, a webhook body) and json (the event's JSON"
            + " alone, which every channel carries). With webhook chosen, WebhookSignatureBenchmark too: sign (HMAC-SHA256"
            + " of id.timestamp.body, Standard Webhooks) and verify (the receiver's check, tolerance window included).",
        ""})
public final class MicroDeliveryCommand extends FamilyCommand.Micro {
  @Override
  public Integer call() throws Exception {
    List<String> chosen = new ArrayList<>();
    for (var c : StrategySelection.resolve(registry(), DeliveryChannel.FAMILY, micro.strategies, Map.of())) {
      chosen.add(c.descriptor().name());
    }
    micro.validate();
    Path folder = micro.folder("delivery");
    List<MicroLens.Score> scores = new ArrayList<>(DeliveryMicro.run(chosen, micro.settings(), micro.threads,
        registry().plugins(), System.err::println, folder.resolve("jmh-delivery.json")));
    micro.print(out(), "delivery", folder, scores, List.of(), new LinkedHashMap<>(), List.of());
    return Bench.EXIT_OK;
  }
}
