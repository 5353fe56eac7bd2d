package io.strategybench.idempotency;

import io.strategybench.cli.Bench;
import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.StrategySelection;
import io.strategybench.run.MicroLens;
import io.strategybench.strategy.StrategyDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code bench micro idempotency}: JMH of one attempt per store beside its server's raw round trip. */
@Command(name = "idempotency", header = "JMH: one attempt of a new key per store, beside its server's round trip.",
    description = {"",
        "Runs IdempotencyBenchmark for every chosen store: attempt (begin the key, an effect of no processing time,"
            + " store the response) and serverRoundTrip (PING to Redis, SELECT 1 to PostgreSQL, on a connection of"
            + " its own), so the store's own cost over its server shows. A redis-server and a PostgreSQL cluster are"
            + " started for the stores that need them (PostgreSQL as the postgres user when run as root) and stopped"
            + " after; a store whose server cannot start is left out, said why.",
        ""})
public final class MicroIdempotencyCommand extends FamilyCommand.Micro {
  @Override
  public Integer call() throws Exception {
    List<StrategyDescriptor<IdempotencyStore>> chosen = new ArrayList<>();
    for (var c : StrategySelection.resolve(registry(), IdempotencyStore.FAMILY, micro.strategies, Map.of())) {
      chosen.add(c.descriptor());
    }
    micro.validate();
    Path folder = micro.folder("idempotency");
    Map<String, Object> workload = new LinkedHashMap<>();
    List<MicroLens.Score> scores = new ArrayList<>();
    try (Servers servers = Servers.open(chosen, false, workload, System.err::println)) {
      Path json = folder.resolve("jmh-idempotency.json");
      for (StrategyDescriptor<IdempotencyStore> d : chosen) {
        scores.addAll(MicroLens.run(IdempotencyBenchmark.class.getName(), List.of(d.name()),
            Map.of("url", List.of(servers.urlFor(d))), micro.threads, micro.settings(), registry().plugins(),
            folder.resolve("jmh-idempotency-" + d.name() + ".json"), System.err::println));
      }
      List<String> lines = new ArrayList<>();
      for (StrategyDescriptor<IdempotencyStore> d : chosen) {
        Double attempt = mean(scores, d.name(), "attempt");
        Double raw = mean(scores, d.name(), "serverRoundTrip");
        if (attempt != null && raw != null && Servers.serverOf(d) != null) {
          lines.add(String.format(Locale.ROOT, "%s: one attempt %.1f µs, its server's round trip %.1f µs, %.1fx",
              d.name(), attempt / 1000, raw / 1000, attempt / raw));
        }
      }
      micro.print(out(), "idempotency", folder, scores, List.of(), workload, lines);
    }
    return Bench.EXIT_OK;
  }

  private static Double mean(List<MicroLens.Score> scores, String strategy, String method) {
    return scores.stream().filter(s -> s.strategy().equals(strategy) && s.benchmark().equals(method))
        .map(MicroLens.Score::nsPerOp).findFirst().orElse(null);
  }
}
