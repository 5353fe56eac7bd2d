package io.strategybench.cli;

import io.strategybench.strategy.StrategyRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bench simulate FAMILY}: deterministic replay on a virtual clock. Each family adds its own subcommand
 * ({@link io.strategybench.family.FamilyModule#simulateCommand()}), which reads the strategies through
 * {@link #registry()}.
 */
@Command(name = "simulate", header = "Replay a workload on a virtual clock, deterministically, for every chosen strategy.",
    description = {"", "Same seed, same output, byte for byte. One subcommand per family:", ""},
    mixinStandardHelpOptions = true)
public final class SimulateCommand implements Runnable, FamilyCommand.Parent {
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
        "name a family to simulate; valid names: " + String.join(", ", Bench.familyNames(spec)));
  }
}
