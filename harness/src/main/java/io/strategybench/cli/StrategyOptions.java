package io.strategybench.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** Which strategy, and its parameters. */
public final class StrategyOptions {
  @Option(names = "--strategy", paramLabel = "NAME", showDefaultValue = Visibility.NEVER,
      description = "Strategy to run (see `bench list`; by default the family's own, which `bench list` marks).")
  String strategy;

  /** The chosen strategy, or the family's default. */
  String strategyOr(String familyDefault) {
    return strategy != null ? strategy : familyDefault;
  }

  @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", showDefaultValue = Visibility.NEVER,
      description = "A parameter of the strategy, e.g. --param decay-millis=5000 (repeatable; none by default:"
          + " `bench list` shows each strategy's parameters, defaults and ranges).")
  Map<String, String> params = new LinkedHashMap<>();
}
