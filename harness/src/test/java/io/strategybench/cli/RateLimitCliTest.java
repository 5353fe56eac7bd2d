package io.strategybench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.server.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitCliTest {
  static final List<String> LOCAL = List.of("aimd", "concurrency", "fixed-window", "gcra", "gradient", "leaky-bucket",
      "leaky-bucket-queue", "sliding-log", "sliding-window-counter", "token-bucket");
  static final List<String> REDIS = List.of("redis-fixed-window", "redis-gcra", "redis-sliding-log",
      "redis-sliding-window-counter", "redis-token-bucket");

  @Test
  void listShowsEveryLocalAndRedisStrategy() throws Exception {
    JsonNode doc = Json.MAPPER.readTree(CliRun.of("--plugins-dir", "/nonexistent", "list", "--json").out());
    List<String> names = new ArrayList<>();
    for (JsonNode family : doc.get("families")) {
      if (family.get("family").asText().equals("ratelimit")) {
        family.get("strategies").forEach(s -> names.add(s.get("name").asText()));
      }
    }
    assertThat(names).containsAll(LOCAL).containsAll(REDIS).hasSize(LOCAL.size() + REDIS.size());
  }

  @Test
  void jsonHasOneRecordPerStrategyWithTheDocumentedFields() throws Exception {
    CliRun run = CliRun.of("simulate", "ratelimit", "--strategy", "sliding-log,fixed-window,token-bucket",
        "--limit", "20", "--window", "1s", "--pattern", "boundary-burst", "--duration", "20s", "--json");
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode results = Json.MAPPER.readTree(run.out()).get("results");
    assertThat(results).hasSize(3);
    for (JsonNode r : results) {
      for (String field : List.of("strategy", "admitted", "rejected", "maxAdmittedInWindow", "falseAdmits",
          "falseRejects", "stateBytesPerKey")) {
        assertThat(r.has(field)).as(r.get("strategy") + " has " + field).isTrue();
      }
    }
    assertThat(results.get(0).get("strategy").asText()).isEqualTo("sliding-log");
    assertThat(results.get(0).get("maxAdmittedInWindow").asLong()).isEqualTo(20);
    assertThat(results.get(1).get("maxAdmittedInWindow").asLong()).isEqualTo(40);
  }

  @Test
  void arrivalsFromAFileReplayRealTraffic(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("traffic.csv");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      lines.append(i * 10).append(",alice\n"); // 30 requests in 300 ms
    }
    Files.writeString(file, lines);
    CliRun run = CliRun.of("simulate", "ratelimit", "--strategy", "sliding-log", "--limit", "10", "--window", "1s",
        "--arrivals", file.toString(), "--json");
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode r = Json.MAPPER.readTree(run.out()).get("results").get(0);
    assertThat(r.get("pattern").asText()).isEqualTo("file:traffic.csv");
    assertThat(r.get("admitted").asLong()).isEqualTo(10);
    assertThat(r.get("rejected").asLong()).isEqualTo(20);
  }

  @Test
  void badInputGetsAClearErrorThatNamesWhatWasWrong() {
    CliRun unknown = CliRun.of("simulate", "ratelimit", "--strategy", "leaky-faucet");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("leaky-faucet").contains("token-bucket").contains("redis-gcra");
    CliRun limit = CliRun.of("simulate", "ratelimit", "--strategy", "token-bucket", "--limit", "0");
    assertThat(limit.status()).isEqualTo(2);
    assertThat(limit.err()).contains("--limit");
    CliRun window = CliRun.of("simulate", "ratelimit", "--strategy", "token-bucket", "--window", "0s");
    assertThat(window.status()).isEqualTo(2);
    assertThat(window.err()).contains("--window");
    CliRun pattern = CliRun.of("simulate", "ratelimit", "--strategy", "token-bucket", "--pattern", "spiky");
    assertThat(pattern.status()).isEqualTo(2);
    assertThat(pattern.err()).contains("--pattern").contains("boundary-burst");
    CliRun rate = CliRun.of("simulate", "ratelimit", "--strategy", "token-bucket", "--rate", "-3");
    assertThat(rate.status()).isEqualTo(2);
    assertThat(rate.err()).contains("--rate");
    CliRun param = CliRun.of("simulate", "ratelimit", "--strategy", "gcra", "-p", "burst=-7");
    assertThat(param.status()).isEqualTo(2);
    assertThat(param.err()).contains("burst");
    CliRun rule = CliRun.of("serve", "--family", "ratelimit", "--port", "0", "--rule", "name=user,limit=-1");
    assertThat(rule.status()).isEqualTo(2);
    assertThat(rule.err()).contains("rule 'user'").contains("limit");
    CliRun key = CliRun.of("serve", "--family", "ratelimit", "--port", "0", "--rule", "name=user,key=cookie:x");
    assertThat(key.status()).isEqualTo(2);
    assertThat(key.err()).contains("rule 'user'").contains("key source");
    CliRun redis = CliRun.of("serve", "--family", "ratelimit", "--port", "0", "--strategy", "redis-gcra", "-p",
        "redis=redis://127.0.0.1:1");
    assertThat(redis.status()).isEqualTo(2);
    assertThat(redis.err()).contains("redis").contains("127.0.0.1:1");
  }
}
