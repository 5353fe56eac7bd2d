package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.results.ResultsSchema;
import io.strategybench.server.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C (SIGINT) in the middle of a run leaves a valid results.json marked interrupted, and a report. */
class SuiteInterruptTest {
  @TempDir
  Path temp;

  private static boolean someMicroFinished(Path results) {
    try {
      JsonNode doc = Json.MAPPER.readTree(results.toFile());
      for (JsonNode s : doc.path("families").path(0).path("strategies")) {
        if (s.has("micro")) {
          return true;
        }
      }
    } catch (Exception e) {
      // not written yet, or being written
    }
    return false;
  }

  /**
   * INT, as Ctrl-C sends; TERM where this JVM (and so the bench it starts) was started with SIGINT ignored, as a
   * shell does to {@code nohup cmd &} and to background jobs without job control: a JVM keeps an ignored SIGINT
   * ignored. Both end a run the same way (its shutdown hook).
   */
  private static String interruptSignal() throws java.io.IOException {
    Path status = Path.of("/proc/self/status");
    if (Files.isReadable(status)) {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("SigIgn:") && (Long.parseLong(line.substring(7).trim(), 16) & (1L << 1)) != 0) {
          return "TERM";
        }
      }
    }
    return "INT";
  }

  @Test
  void sigintKeepsWhatFinishedAndWritesAnInterruptedReport() throws Exception {
    Suite quick = Suite.named("quick");
    Suite suite = new Suite("interrupt", "the quick suite's load balancing, to be interrupted", List.of(),
        List.of("simulate", "micro"), List.of(), java.util.Map.of("lb", quick.plans().get("lb")), null);
    Path file = temp.resolve("interrupt.yaml");
    Files.writeString(file, SuiteFiles.write(suite));
    Path out = temp.resolve("run");
    Path log = temp.resolve("bench.log");
    Process bench = JavaProcess.start(JavaProcess.command(List.of(), "io.strategybench.cli.Bench",
        List.of("--plugins-dir", temp.resolve("none").toString(), "run", file.toString(), "--out", out.toString())), log);
    Path results = out.resolve("results.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!someMicroFinished(results) && bench.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(bench.isAlive()).as("still running after a micro step:\n" + JavaProcess.tail(log, 30)).isTrue();
    new ProcessBuilder("kill", "-" + interruptSignal(), Long.toString(bench.pid())).inheritIO().start().waitFor();
    assertThat(bench.waitFor(60, TimeUnit.SECONDS)).as(JavaProcess.tail(log, 30)).isTrue();
    JsonNode doc = Json.MAPPER.readTree(results.toFile());
    assertThat(doc.path("status").asText()).as(JavaProcess.tail(log, 30)).isEqualTo("interrupted");
    assertThat(ResultsSchema.errors(doc)).isEmpty();
    JsonNode strategies = doc.path("families").path(0).path("strategies");
    assertThat(strategies).hasSize(10);
    long measured = 0;
    for (JsonNode s : strategies) {
      assertThat(s.has("simulate")).as(s.path("strategy").asText() + " was simulated before").isTrue();
      measured += s.has("micro") ? 1 : 0;
    }
    assertThat(measured).as("micro steps kept").isBetween(1L, 9L);
    assertThat(out.resolve("report.html")).exists();
    assertThat(Files.readString(out.resolve("report.html"))).contains("interrupted");
    assertThat(Files.readString(log)).contains("interrupted: kept what finished");
  }
}
