package io.strategybench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's edges: files that are not what they should be are named, with what would be right. */
class CliEdgesTest {
  @TempDir
  Path temp;

  /** The built-in hashing suite's text, for files that break it one way. */
  private static String hashingSuite() throws Exception {
    try (var in = CliEdgesTest.class.getClassLoader().getResourceAsStream("suites/hashing.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aSuiteFileThatIsNotUtf8IsAUsageErrorWithItsLineNotAStackTrace() throws Exception {
    Path file = temp.resolve("latin1.yaml");
    Files.write(file, hashingSuite().replace("name: hashing", "name: hashing\n# caf\u00e9")
        .getBytes(StandardCharsets.ISO_8859_1));
    int line = (int) hashingSuite().lines().takeWhile(l -> !l.equals("name: hashing")).count() + 2;
    for (String command : new String[] {"suites", "run"}) {
      CliRun run = command.equals("run") ? CliRun.of("run", file.toString(), "--out", temp.resolve("out").toString())
          : CliRun.of("suites", file.toString());
      assertThat(run.status()).as(command).isEqualTo(Bench.EXIT_USAGE);
      assertThat(run.err()).as(command).contains("suite file " + file + " is not valid")
          .contains("line " + line + ": byte 0xE9 at column 6 is not UTF-8").doesNotContain("Exception")
          .doesNotContain("\tat ");
    }
    assertThat(temp.resolve("out")).doesNotExist();
  }

  @Test
  void aSuiteFileWithAFieldTwiceIsAUsageError() throws Exception {
    Path file = temp.resolve("twice.yaml");
    String yaml = hashingSuite().replace("  simulateNodes: 100\n", "  simulateNodes: 100\n  simulateNodes: 7\n");
    Files.writeString(file, yaml);
    int first = (int) yaml.lines().takeWhile(l -> !l.equals("  simulateNodes: 100")).count() + 1;
    CliRun run = CliRun.of("suites", file.toString());
    assertThat(run.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(run.err()).contains("line " + (first + 1) + ": hashing.simulateNodes is given twice (first at line "
        + first + ")");
  }

  @Test
  void bothSuitesAndRunRefuseKeysTheSimulationCannotPlace() throws Exception {
    Path file = temp.resolve("big.yaml");
    String yaml = hashingSuite().replaceFirst("simulateKeys: \\d+", "simulateKeys: 99999999999999");
    Files.writeString(file, yaml);
    CliRun suites = CliRun.of("suites", file.toString());
    assertThat(suites.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(suites.err()).contains("hashing.simulateKeys: must be 1..100000000, got 99999999999999");
    CliRun run = CliRun.of("run", file.toString(), "--out", temp.resolve("out").toString());
    assertThat(run.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(run.err()).contains("hashing.simulateKeys: must be 1..100000000, got 99999999999999");
    assertThat(temp.resolve("out")).doesNotExist();
  }
}
