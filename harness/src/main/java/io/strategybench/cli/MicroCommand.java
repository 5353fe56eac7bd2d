package io.strategybench.cli;

import io.strategybench.strategy.StrategyRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bench micro FAMILY}: JMH benchmarks of one decision. Each family adds its own subcommand
 * ({@link io.strategybench.family.FamilyModule#microCommand()}), which reads the strategies through
 * {@link #registry()} and shares the options of {@link MicroOptions}.
 */
@Command(name = "micro", header = "Measure one decision of every chosen strategy with JMH (ns/op, 1 and N threads).",
    description = {"", "One subcommand per family:", ""},
    mixinStandardHelpOptions = true)
public final class MicroCommand implements Runnable, FamilyCommand.Parent {
  @ParentCommand
  Bench bench;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Every strategy, built in and from plugins. */
  public StrategyRegistry registry() {
    return bench.registry();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "name a family to benchmark; valid names: " + String.join(", ", Bench.familyNames(spec)));
  }
}
