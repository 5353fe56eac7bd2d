package io.strategybench.delivery;

import io.strategybench.run.MicroLens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The delivery family's JMH runs, for {@code bench micro delivery} and a suite's micro lens alike. */
final class DeliveryMicro {
  private DeliveryMicro() {}

  /** Encoding per channel; the webhook's signature when webhook is among {@code channels}. */
  static List<MicroLens.Score> run(List<String> channels, MicroLens.Settings settings, List<Integer> threads,
      List<Path> plugins, Consumer<String> progress, Path json) throws IOException {
    List<MicroLens.Score> scores = new ArrayList<>(MicroLens.run(DeliveryBenchmark.class.getName(), channels,
        Map.of(), threads, settings, plugins, json, progress));
    if (channels.contains("webhook")) {
      Path signatures = json.resolveSibling(json.getFileName().toString().replace(".json", "-signature.json"));
      scores.addAll(MicroLens.run(WebhookSignatureBenchmark.class.getName(), List.of("webhook"), Map.of(), threads,
          settings, plugins, signatures, progress));
    }
    return scores;
  }
}
