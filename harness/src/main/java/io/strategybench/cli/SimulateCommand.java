package io.strategybench.cli;

import picocli.CommandLine.Command;

/**
 * {@code bench simulate FAMILY}: deterministic replay on a virtual clock. Each family adds its own subcommand
 * ({@link io.strategybench.family.FamilyModule#simulateCommand()}), which shares the options of
 * {@link SimulateOptions}.
 */
@Command(name = "simulate", header = "Replay a workload on a virtual clock, deterministically, for every chosen strategy.",
    description = {"", "Same seed, same output, byte for byte. One subcommand per family:", ""})
public final class SimulateCommand extends FamilyCommand.Parent {
  @Override
  String verb() {
    return "simulate";
  }
}
