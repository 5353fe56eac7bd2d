package io.strategybench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.server.Json;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheCliTest {
  private static final List<String> POLICIES = List.of("arc", "caffeine", "clock", "fifo", "lfu", "lru", "opt",
      "s3-fifo", "sieve", "w-tinylfu");
  private static final String NO_PLUGINS = "/nonexistent";

  /** The README's sprite rows: capacity, then LRU, FIFO, LFU hits. */
  private static final long[][] SPRITE_LRU_FIFO_LFU = {
      {100, 28917, 29885, 8669},
      {200, 53435, 53871, 12011},
      {400, 94834, 88624, 39238},
      {800, 118650, 113214, 73148},
  };
  /** The README's second table, gli rows: capacity, then CLOCK, SIEVE, ARC, OPT hits. */
  private static final long[][] GLI_CLOCK_SIEVE_ARC_OPT = {
      {500, 71, 83, 83, 2061},
      {1000, 680, 1885, 1282, 3196},
      {1500, 2197, 3119, 3034, 3486},
      {2000, 3453, 3453, 3453, 3486},
  };

  @TempDir
  Path dir;

  /** A shared trace, located by io.strategybench.cache.SharedTraces (which skips outside CI when absent). */
  private static Path sharedTrace(String name) throws Throwable {
    Method dirOf = Class.forName("io.strategybench.cache.SharedTraces").getDeclaredMethod("dir");
    dirOf.setAccessible(true);
    try {
      return ((Path) dirOf.invoke(null)).resolve(name + ".trace.gz");
    } catch (InvocationTargetException e) {
      throw e.getCause(); // the skip (or CI's failure) itself
    }
  }

  private static CliRun simulate(String... args) {
    List<String> all = new ArrayList<>(List.of("--plugins-dir", NO_PLUGINS, "simulate", "cache"));
    all.addAll(List.of(args));
    return CliRun.of(all.toArray(new String[0]));
  }

  private static double round6(long part, long whole) {
    return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 6, RoundingMode.HALF_UP).doubleValue();
  }

  /** strategy and capacity to the record, checking every record has the documented fields. */
  private static Map<String, JsonNode> byStrategyAndCapacity(JsonNode results) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode r : results) {
      for (String field : List.of("strategy", "capacity", "requests", "hits", "hitRatio")) {
        assertThat(r.has(field)).as(field + " in " + r).isTrue();
      }
      long hits = r.get("hits").asLong();
      long requests = r.get("requests").asLong();
      assertThat(r.get("hitRatio").asDouble()).as("hitRatio of " + r).isEqualTo(round6(hits, requests));
      assertThat(out.put(r.get("strategy").asText() + "@" + r.get("capacity").asLong(), r)).as("duplicate " + r)
          .isNull();
    }
    return out;
  }

  private static CliRun serve(String... args) {
    List<String> all = new ArrayList<>(List.of("--plugins-dir", NO_PLUGINS, "serve", "--family", "cache", "--port",
        "0"));
    all.addAll(List.of(args));
    // each must fail while its options are checked; were one to start listening, it would not return: fail then
    return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRun.of(all.toArray(new String[0])),
        "serve " + all + " should fail before listening");
  }

  @Test
  void listShowsTheCacheFamilyWithItsTenPolicies() throws Exception {
    CliRun text = CliRun.of("--plugins-dir", NO_PLUGINS, "list", "--family", "cache");
    assertThat(text.status()).as(text.err()).isZero();
    assertThat(text.out()).contains("cache (Caching)").contains("--param capacity=");
    List<String> listed = new ArrayList<>();
    for (String line : text.out().lines().toList()) {
      String[] words = line.trim().split("\\s+");
      if (line.startsWith("  ") && !line.startsWith("   ") && POLICIES.contains(words[0])) {
        listed.add(words[0]);
      }
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(POLICIES);
    long capacityLines = text.out().lines().filter(l -> l.contains("--param capacity=")).count();
    assertThat(capacityLines).as("every policy takes --param capacity").isGreaterThanOrEqualTo(POLICIES.size());
    assertThat(text.out()).doesNotContain("hashing (").doesNotContain("lb (");

    CliRun json = CliRun.of("--plugins-dir", NO_PLUGINS, "list", "--json");
    assertThat(json.status()).as(json.err()).isZero();
    JsonNode cache = null;
    for (JsonNode family : Json.MAPPER.readTree(json.out()).get("families")) {
      if (family.get("family").asText().equals("cache")) {
        cache = family;
      }
    }
    assertThat(cache).as("cache family in list --json").isNotNull();
    List<String> names = new ArrayList<>();
    cache.get("strategies").forEach(s -> names.add(s.get("name").asText()));
    assertThat(names).containsExactlyInAnyOrderElementsOf(POLICIES);
    for (JsonNode s : cache.get("strategies")) {
      List<String> params = new ArrayList<>();
      s.get("parameters").forEach(p -> params.add(p.get("name").asText()));
      assertThat(params).as(s.get("name").asText()).contains("capacity");
    }
  }

  @Test
  void simulateLruFifoLfuOnTheSharedTracesSpriteGivesTheReadmeHits() throws Throwable {
    Path sprite = sharedTrace("sprite");
    CliRun run = simulate("--strategy", "lru,fifo,lfu", "--capacity", "100,200,400,800", "--trace",
        sprite.toString(), "--format", "lirs", "--json");
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode doc = Json.MAPPER.readTree(run.out());
    assertThat(doc.get("requests").asLong()).isEqualTo(133_996);
    assertThat(doc.get("distinctKeys").asLong()).isEqualTo(7075);
    JsonNode results = doc.get("results");
    assertThat(results).hasSize(12);
    Map<String, JsonNode> records = byStrategyAndCapacity(results);
    String[] names = {"lru", "fifo", "lfu"};
    for (long[] row : SPRITE_LRU_FIFO_LFU) {
      for (int p = 0; p < names.length; p++) {
        JsonNode r = records.get(names[p] + "@" + row[0]);
        assertThat(r).as(names[p] + " at " + row[0]).isNotNull();
        assertThat(r.get("requests").asLong()).isEqualTo(133_996);
        assertThat(r.get("hits").asLong()).as(names[p] + " at " + row[0]).isEqualTo(row[1 + p]);
      }
    }
    assertThat(records.get("lru@400").get("hitRatio").asDouble()).isEqualTo(0.707738);

    CliRun table = simulate("--strategy", "lru,fifo,lfu", "--capacity", "100,400", "--trace", sprite.toString());
    assertThat(table.status()).as(table.err()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0)).contains("sprite.trace.gz").contains("133996 requests").contains("7075 distinct keys");
    assertThat(lines.get(1)).contains("strategy").contains("hit %").contains("hits");
    assertThat(lines).hasSize(2 + 6);
    assertThat(lines.get(2)).startsWith("lru").contains(" 28917 ");
    assertThat(lines.get(3)).startsWith("lru").contains(" 94834 ").contains("70.774");
    assertThat(lines.get(4)).startsWith("fifo").contains(" 29885 ");
    assertThat(lines.get(7)).startsWith("lfu").contains(" 39238 ");
  }

  @Test
  void simulateClockSieveArcOptOnTheSharedTracesGliGivesTheReadmeHits() throws Throwable {
    Path gli = sharedTrace("gli");
    CliRun run = simulate("--strategy", "clock,sieve,arc,opt", "--capacity", "500,1000,1500,2000", "--trace",
        gli.toString(), "--format", "lirs", "--json");
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode doc = Json.MAPPER.readTree(run.out());
    assertThat(doc.get("requests").asLong()).isEqualTo(6015);
    JsonNode results = doc.get("results");
    assertThat(results).hasSize(16);
    Map<String, JsonNode> records = byStrategyAndCapacity(results);
    String[] names = {"clock", "sieve", "arc", "opt"};
    List<String> mismatches = new ArrayList<>();
    for (long[] row : GLI_CLOCK_SIEVE_ARC_OPT) {
      for (int p = 0; p < names.length; p++) {
        JsonNode r = records.get(names[p] + "@" + row[0]);
        assertThat(r).as(names[p] + " at " + row[0]).isNotNull();
        assertThat(r.get("requests").asLong()).isEqualTo(6015);
        if (r.get("hits").asLong() != row[1 + p]) {
          mismatches.add(names[p] + " at " + row[0] + ": " + r.get("hits") + ", README " + row[1 + p]);
        }
      }
    }
    assertThat(mismatches).isEmpty();

    CliRun table = simulate("--strategy", "clock,opt", "--capacity", "1000", "--trace", gli.toString());
    assertThat(table.status()).as(table.err()).isZero();
    assertThat(table.out()).contains("hit %");
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(2)).startsWith("clock").contains(" 680 ");
    assertThat(lines.get(3)).startsWith("opt").contains(" 3196 ");
  }

  @Test
  void simulateASyntheticWorkloadWithoutATraceRunsEveryPolicyAndOptHitsMost() throws Exception {
    CliRun run = simulate("--workload", "zipf:keys=1000,requests=20000", "--capacity", "10%", "--json");
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode doc = Json.MAPPER.readTree(run.out());
    assertThat(doc.get("format").asText()).isEqualTo("synthetic");
    assertThat(doc.get("requests").asLong()).isEqualTo(20_000);
    long distinct = doc.get("distinctKeys").asLong();
    assertThat(distinct).isBetween(1L, 1000L);
    JsonNode results = doc.get("results");
    Map<String, JsonNode> records = byStrategyAndCapacity(results);
    List<String> strategies = new ArrayList<>();
    results.forEach(r -> strategies.add(r.get("strategy").asText()));
    assertThat(strategies).containsExactlyInAnyOrderElementsOf(POLICIES);
    long opt = records.get("opt@" + Math.round(distinct * 0.10)).get("hits").asLong();
    for (JsonNode r : results) {
      assertThat(r.get("capacity").asLong()).as("10% of the distinct keys").isEqualTo(Math.round(distinct * 0.10));
      assertThat(r.get("requests").asLong()).isEqualTo(20_000);
      assertThat(r.get("hits").asLong()).as(r.get("strategy").asText()).isPositive();
      if (!r.get("strategy").asText().equals("opt")) {
        assertThat(opt).as("opt over " + r.get("strategy").asText()).isGreaterThan(r.get("hits").asLong());
      }
    }
  }

  @Test
  void badInputIsNamedWithWhatWouldBeValid() throws Exception {
    Path good = dir.resolve("good.lirs");
    Files.writeString(good, "1\n2\n1\n3\n");
    CliRun format = simulate("--trace", good.toString(), "--format", "csv", "--capacity", "2");
    assertThat(format.status()).as(format.err()).isEqualTo(2);
    assertThat(format.err()).startsWith("bench simulate cache: ").contains("'csv'").contains("valid formats: ");
    String formats = format.err().replaceFirst("(?s).*valid formats: ", "").replaceFirst("(?s) \\(.*", "");
    assertThat(List.of(formats.split(",\\s*"))).containsExactly("lirs", "lines", "arc", "oracleGeneral");

    Path corrupt = dir.resolve("corrupt.lirs");
    Files.writeString(corrupt, "1\n2\n\nseven\n3\n");
    CliRun bad = simulate("--trace", corrupt.toString(), "--capacity", "2");
    assertThat(bad.status()).as(bad.err()).isEqualTo(1);
    assertThat(bad.err()).contains(corrupt.toString()).contains(":4:").contains("seven")
        .contains("non-negative integer");

    CliRun zero = simulate("--workload", "zipf:keys=100,requests=1000", "--capacity", "0");
    assertThat(zero.status()).as(zero.err()).isEqualTo(2);
    assertThat(zero.err()).contains("--capacity").contains("at least 1");

    CliRun bytes = simulate("--trace", good.toString(), "--capacity", "64MiB");
    assertThat(bytes.status()).as(bytes.err()).isEqualTo(2);
    assertThat(bytes.err()).contains("--capacity").contains("no object sizes");

    CliRun unknown = simulate("--workload", "zipf:keys=100,requests=1000", "--strategy", "lru,mru");
    assertThat(unknown.status()).as(unknown.err()).isEqualTo(2);
    assertThat(unknown.err()).contains("'mru'").contains("valid cache strategy names: ");
    String valid = unknown.err().lines().findFirst().orElseThrow().replaceFirst(".*valid cache strategy names: ", "");
    assertThat(List.of(valid.split(",\\s*"))).containsExactlyInAnyOrderElementsOf(POLICIES);

    CliRun param = simulate("--workload", "zipf:keys=100,requests=1000", "--strategy", "lru", "--param",
        "capacity=5");
    assertThat(param.status()).as(param.err()).isEqualTo(2);
    assertThat(param.err()).contains("--param capacity").contains("--capacity");

    CliRun workload = simulate("--workload", "zipf:foo=1", "--capacity", "10");
    assertThat(workload.status()).as(workload.err()).isEqualTo(2);
    assertThat(workload.err()).contains("foo").contains("keys=");

    CliRun micro = CliRun.of("--plugins-dir", NO_PLUGINS, "micro", "cache", "--strategy", "opt", "--out",
        dir.resolve("micro").toString());
    assertThat(micro.status()).as(micro.err()).isEqualTo(2);
    assertThat(micro.err()).contains("opt").contains("simulate lens only");
  }

  @Test
  void serveRejectsBadCacheOptionsBeforeListening() {
    CliRun ttl = serve("--ttl", "-5s");
    assertThat(ttl.status()).as(ttl.err()).isEqualTo(2);
    assertThat(ttl.err()).contains("--ttl").contains("negative");

    CliRun write = serve("--write-strategy", "nope");
    assertThat(write.status()).as(write.err()).isEqualTo(2);
    assertThat(write.err()).contains("'nope'").contains("cache-aside").contains("read-through")
        .contains("write-through").contains("write-behind").contains("write-around");

    CliRun opt = serve("--strategy", "opt");
    assertThat(opt.status()).as(opt.err()).isEqualTo(2);
    assertThat(opt.err()).contains("opt").contains("simulate lens only");

    CliRun capacity = serve("--strategy", "lru", "--param", "capacity=5");
    assertThat(capacity.status()).as(capacity.err()).isEqualTo(2);
    assertThat(capacity.err()).contains("--capacity");

    CliRun zero = serve("--capacity", "0");
    assertThat(zero.status()).as(zero.err()).isEqualTo(2);
    assertThat(zero.err()).contains("--capacity must be at least 1");

    CliRun preload = serve("--preload", "20000", "--keys", "10000");
    assertThat(preload.status()).as(preload.err()).isEqualTo(2);
    assertThat(preload.err()).contains("--preload 20000").contains("--keys 10000");
  }

  @Test
  void aMillionZipfRequestsThroughEveryPolicyTimed() throws Exception {
    long start = System.nanoTime();
    CliRun run = simulate("--workload", "zipf:s=0.99,keys=100000,requests=1000000", "--capacity", "5000", "--json");
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("simulate cache: 1,000,000 zipf requests through %d policies at 5000 entries took %.2f s%n",
        POLICIES.size(), seconds);
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode results = Json.MAPPER.readTree(run.out()).get("results");
    assertThat(results).hasSize(10);
    Map<String, JsonNode> records = byStrategyAndCapacity(results);
    long opt = records.get("opt@5000").get("hits").asLong();
    for (JsonNode r : results) {
      System.out.printf("  %-10s %8d hits, %.1f ns/request%n", r.get("strategy").asText(), r.get("hits").asLong(),
          r.get("nanosPerRequest").asDouble());
      assertThat(r.get("requests").asLong()).isEqualTo(1_000_000);
      assertThat(opt).as("opt over " + r.get("strategy").asText()).isGreaterThanOrEqualTo(r.get("hits").asLong());
    }
    List<String> strategies = new ArrayList<>();
    results.forEach(r -> strategies.add(r.get("strategy").asText()));
    assertThat(strategies).containsExactlyInAnyOrderElementsOf(POLICIES);
  }
}
