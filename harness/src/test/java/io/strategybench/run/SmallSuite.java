package io.strategybench.run;

import io.strategybench.family.FamilyModules;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A family's suite test runs its small suite once, as a user's {@code bench run} would, with the built-in families. */
final class SmallSuite {
  private SmallSuite() {}

  /** Where the run went, how it ended ({@code bench run}'s exit status) and what it printed. */
  record Ran(Path folder, int status, String progress) {}

  /** Runs {@code suite} for {@code strategies} into {@code temp/run}, without plugins. */
  static Ran run(Path temp, Suite suite, List<String> strategies) throws Exception {
    Path run = temp.resolve("run");
    Files.createDirectories(run);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SuiteRunner runner = new SuiteRunner(suite, FamilyModules.builtIn(),
        List.of("--plugins-dir", temp.resolve("no-plugins").toString()), run,
        new SuiteRunner.Options(strategies, List.of(), 0, "constant", false),
        new Progress(new PrintStream(out, true, StandardCharsets.UTF_8), false));
    int status = runner.run();
    return new Ran(run, status, out.toString(StandardCharsets.UTF_8));
  }
}
