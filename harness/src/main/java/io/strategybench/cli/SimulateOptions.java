package io.strategybench.cli;

import io.strategybench.strategy.Family;
import io.strategybench.strategy.StrategyRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** The options every {@code bench simulate FAMILY} command takes: which strategies, their parameters, JSON output. */
public final class SimulateOptions {
  @Option(names = "--strategy", paramLabel = "NAME", split = ",", defaultValue = "all",
      description = "Strategies to simulate, or all.")
  public List<String> strategies = new ArrayList<>();

  @Option(names = {"-p", "--param"}, paramLabel = "[STRATEGY:]KEY=VALUE", showDefaultValue = Visibility.NEVER,
      description = "A strategy parameter (repeatable; none by default): KEY=VALUE goes to every chosen strategy"
          + " that has KEY, STRATEGY:KEY=VALUE to one.")
  public Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--json", description = "Print one JSON document instead of a table.")
  public boolean json;

  /** The chosen strategies of {@code family}, each with its parameters. */
  public <S> List<StrategySelection.Chosen<S>> chosen(StrategyRegistry registry, Family<S> family) {
    return StrategySelection.resolve(registry, family, strategies, params);
  }
}
