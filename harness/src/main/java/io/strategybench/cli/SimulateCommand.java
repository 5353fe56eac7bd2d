package io.strategybench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code bench simulate FAMILY}: deterministic replay on a virtual clock. */
@Command(name = "simulate", header = "Replay a workload on a virtual clock, deterministically, for every chosen strategy.",
    description = {"", "Same seed, same output, byte for byte. One subcommand per family:", ""},
    mixinStandardHelpOptions = true, subcommands = {SimulateLbCommand.class, SimulateHashingCommand.class, SimulateRateLimitCommand.class,
        SimulateCacheCommand.class})
final class SimulateCommand implements Runnable {
  @ParentCommand
  Bench bench;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "name a family to simulate; valid names: " + String.join(", ", spec.subcommands().keySet()));
  }
}
