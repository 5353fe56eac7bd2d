package io.strategybench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code bench micro FAMILY}: JMH benchmarks of one decision. */
@Command(name = "micro", header = "Measure one decision of every chosen strategy with JMH (ns/op, 1 and N threads).",
    description = {"", "One subcommand per family:", ""},
    mixinStandardHelpOptions = true, subcommands = {MicroLbCommand.class, MicroHashingCommand.class, MicroRateLimitCommand.class,
        MicroCacheCommand.class})
final class MicroCommand implements Runnable {
  @ParentCommand
  Bench bench;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "name a family to benchmark; valid names: " + String.join(", ", spec.subcommands().keySet()));
  }
}
