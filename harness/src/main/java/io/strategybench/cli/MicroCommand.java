package io.strategybench.cli;

import picocli.CommandLine.Command;

/**
 * {@code bench micro FAMILY}: JMH benchmarks of one decision. Each family adds its own subcommand
 * ({@link io.strategybench.family.FamilyModule#microCommand()}), which shares the options of {@link MicroOptions}.
 */
@Command(name = "micro", header = "Measure one decision of every chosen strategy with JMH (ns/op, 1 and N threads).",
    description = {"", "One subcommand per family:", ""})
public final class MicroCommand extends FamilyCommand.Parent {
  @Override
  String verb() {
    return "benchmark";
  }
}
