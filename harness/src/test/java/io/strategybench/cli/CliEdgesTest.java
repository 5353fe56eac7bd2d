package io.strategybench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.results.ResultsWriter;
import io.strategybench.results.RunProcess;
import io.strategybench.results.RunResults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  /** A run that says running, recorded as run by {@code process} (null: none recorded). */
  private Path running(String name, RunProcess process) throws Exception {
    RunResults r = new RunResults();
    r.suite = "quick";
    r.startedAt = "2026-01-01T00:00:00Z";
    r.process = process;
    Path dir = Files.createDirectories(temp.resolve(name));
    ResultsWriter.write(dir, r);
    return dir;
  }

  private Path complete(String name) throws Exception {
    RunResults r = new RunResults();
    r.suite = "quick";
    r.status = RunResults.COMPLETE;
    r.startedAt = "2026-01-01T00:00:00Z";
    Path dir = Files.createDirectories(temp.resolve(name));
    ResultsWriter.write(dir, r);
    return dir;
  }

  @Test
  void aRunningRunWhoseProcessIsGoneIsRefusedAndALiveOneIsComparedWithANote() throws Exception {
    Path base = complete("base");
    // this JVM: a run in progress
    Path live = running("live", RunProcess.current());
    CliRun compareLive = CliRun.of("compare", base.toString(), live.toString());
    assertThat(compareLive.status()).as(compareLive.err()).isZero();
    assertThat(compareLive.err()).contains("note: " + live + " is still running (pid " + ProcessHandle.current().pid());
    CliRun publishLive = CliRun.of("publish", live.toString(), "--site", temp.resolve("site").toString());
    assertThat(publishLive.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(publishLive.err()).contains(live + " has not finished").contains("publish it once it ended");

    // a process that exited
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    RunProcess dead = RunProcess.current();
    dead.pid = exited.pid();
    dead.startedAt = exited.info().startInstant().map(Object::toString).orElse(dead.startedAt);
    Path killed = running("killed", dead);
    // this JVM's pid, but a process that started long before: the pid went to another process
    RunProcess reused = RunProcess.current();
    reused.startedAt = "2000-01-01T00:00:00Z";
    Path reusedPid = running("reused", reused);
    for (Path run : List.of(killed, reusedPid)) {
      CliRun compare = CliRun.of("compare", base.toString(), run.toString());
      assertThat(compare.status()).as(compare.err()).isEqualTo(Bench.EXIT_USAGE);
      assertThat(compare.err()).contains(run + " did not finish: its results.json says running, but the process that"
          + " ran it").contains("is gone").contains("not going to compare it").contains("Run suite 'quick' again (bench run");
      CliRun publish = CliRun.of("publish", run.toString(), "--site", temp.resolve("site").toString());
      assertThat(publish.status()).isEqualTo(Bench.EXIT_USAGE);
      assertThat(publish.err()).contains(run + " did not finish").contains("not going to publish it");
      CliRun merge = CliRun.of("merge", base.toString(), run.toString(), "--out", temp.resolve("merged").toString());
      assertThat(merge.status()).isEqualTo(Bench.EXIT_USAGE);
      assertThat(merge.err()).contains(run + " did not finish").contains("not going to merge it");
    }
    // the baseline is checked too
    CliRun baseline = CliRun.of("compare", killed.toString(), base.toString());
    assertThat(baseline.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(baseline.err()).contains(killed + " did not finish");

    // a run from before the process was recorded: no way to tell, said so, compared
    Path old = running("old", null);
    CliRun compareOld = CliRun.of("compare", base.toString(), old.toString());
    assertThat(compareOld.status()).isZero();
    assertThat(compareOld.err()).contains("note: " + old + " says running, and whether it still runs cannot be told"
        + " here (it records no process)");
  }
}
