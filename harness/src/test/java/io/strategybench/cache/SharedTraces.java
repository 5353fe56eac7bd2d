package io.strategybench.cache;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real traces beside the project, in {@code ../shared/data/traces}. A user's clone has none: tests that need
 * them skip there, but fail in CI (environment {@code CI} set), where the folder must be.
 */
final class SharedTraces {
  private SharedTraces() {}

  static Path dir() {
    Path root = Path.of("").toAbsolutePath();
    // tests run in a module's folder; the project root holds the parent pom
    if (!Files.exists(root.resolve("harness")) && root.getParent() != null) {
      root = root.getParent();
    }
    Path dir = root.resolveSibling("shared").resolve("data").resolve("traces");
    if (!Files.isDirectory(dir)) {
      if (System.getenv("CI") != null) {
        assertNotNull(null, "CI must have the shared traces at " + dir);
      }
      Assumptions.assumeTrue(false, "no shared traces at " + dir + " (a user's clone has none)");
    }
    return dir;
  }

  static Trace read(String name) throws Exception {
    return TraceReader.read(dir().resolve(name + ".trace.gz"), TraceFormat.LIRS);
  }
}
