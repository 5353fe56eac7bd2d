package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.cli.Bench;
import io.strategybench.ratelimit.RateLimitPlan;
import io.strategybench.results.ResultsSchema;
import io.strategybench.server.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL, which runs no shutdown hook: its private redis-server stops with it, and compare and
 * publish refuse the run it left, which says running for ever.
 */
class KilledRunTest {
  @TempDir
  Path temp;

  private static boolean gone(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String text = Files.readString(stat);
      return text.substring(text.lastIndexOf(") ") + 2).startsWith("Z"); // a zombie no one reaped yet is dead
    } catch (java.io.IOException e) {
      return true;
    }
  }

  private static JsonNode read(Path results) {
    try {
      return Json.MAPPER.readTree(results.toFile());
    } catch (Exception e) {
      return null; // not written yet, or being written
    }
  }

  private record Cli(int status, String err) {}

  private static Cli cli(String... args) {
    io.strategybench.cli.CliRun run = io.strategybench.cli.CliRun.of(args);
    return new Cli(run.status(), run.out() + run.err());
  }

  @Test
  void sigkillStopsThePrivateRedisServerAndCompareAndPublishRefuseTheRunItLeft() throws Exception {
    // a redis strategy simulated long enough (480,000 arrivals, each a round trip) to be killed in the middle
    RateLimitPlan quick = (RateLimitPlan) Suite.named("quick").plans().get("ratelimit");
    RateLimitPlan plan = new RateLimitPlan(quick.limit(), quick.windowMillis(), List.of("poisson"),
        quick.rateMultiple(), 600, 4, quick.seed(), quick.microKeys(), quick.microThreads(), quick.micro(),
        quick.loadLimit(), quick.goodClients(), quick.goodRate(), quick.abusiveClients(), quick.abusiveRate(),
        quick.loadSeconds(), quick.warmupSeconds(), quick.ioThreads(), List.of(), false);
    Suite suite = new Suite("killed", "a redis strategy's long simulation, to be killed", List.of("redis-gcra"),
        List.of("simulate"), List.of(), Map.of("ratelimit", plan), null);
    Path file = temp.resolve("killed.yaml");
    Files.writeString(file, SuiteFiles.write(suite));
    Path out = temp.resolve("run");
    Path log = temp.resolve("bench.log");
    Process bench = JavaProcess.start(JavaProcess.command(List.of(), "io.strategybench.cli.Bench",
        List.of("--plugins-dir", temp.resolve("none").toString(), "run", file.toString(), "--out", out.toString())),
        log);
    Path results = out.resolve("results.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    List<ProcessHandle> redis = List.of();
    while (bench.isAlive() && System.nanoTime() < deadline) {
      redis = bench.toHandle().descendants()
          .filter(p -> p.info().command().orElse("").contains("redis")).toList();
      JsonNode doc = read(results);
      if (!redis.isEmpty() && doc != null && doc.path("families").size() == 1) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(bench.isAlive()).as("running with its redis-server:\n" + JavaProcess.tail(log, 30)).isTrue();
    assertThat(redis).as("the run's private redis-server").hasSize(1);
    long redisPid = redis.get(0).pid();

    new ProcessBuilder("kill", "-KILL", Long.toString(bench.pid())).inheritIO().start().waitFor();
    assertThat(bench.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long stopped = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!gone(redisPid) && System.nanoTime() < stopped) {
      Thread.sleep(100);
    }
    boolean outlived = !gone(redisPid);
    redis.get(0).destroyForcibly(); // not left behind when this fails
    assertThat(outlived).as("redis-server " + redisPid + " outlived the run killed with SIGKILL").isFalse();

    // what the killed run left: running for ever, with the process that ran it
    JsonNode doc = read(results);
    assertThat(doc.path("status").asText()).isEqualTo("running");
    assertThat(doc.path("process").path("pid").asLong()).isEqualTo(bench.pid());
    assertThat(ResultsSchema.errors(doc)).isEmpty();
    assertThat(out.resolve("report.html")).doesNotExist();

    Cli compare = cli("compare", out.toString(), out.toString());
    assertThat(compare.status()).as(compare.err()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(compare.err()).contains(out + " did not finish: its results.json says running, but the process that"
        + " ran it (pid " + bench.pid() + ", started ").contains("is gone").contains("Run suite 'killed' again (bench run");
    Cli publish = cli("publish", out.toString(), "--site", temp.resolve("site").toString());
    assertThat(publish.status()).as(publish.err()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(publish.err()).contains(out + " did not finish").contains("not going to publish it");
    assertThat(temp.resolve("site").resolve("runs").resolve("run")).doesNotExist();
  }
}
