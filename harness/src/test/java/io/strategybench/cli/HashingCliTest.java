package io.strategybench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.hash.Hashing;
import io.strategybench.hashing.HashFunction;
import io.strategybench.server.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashingCliTest {

  @Test
  void listShowsTheHashingFamilyWithItsSevenStrategies() throws Exception {
    CliRun text = CliRun.of("--plugins-dir", "/nonexistent", "list", "--family", "hashing");
    assertThat(text.status()).isZero();
    assertThat(text.out()).contains("hashing (Consistent hashing)").contains("maglev")
        .contains("--param table-size=65537").contains("--param hash=xxhash64");
    JsonNode doc = Json.MAPPER.readTree(CliRun.of("--plugins-dir", "/nonexistent", "list", "--json").out());
    JsonNode hashing = null;
    for (JsonNode family : doc.get("families")) {
      if (family.get("family").asText().equals("hashing")) {
        hashing = family;
      }
    }
    assertThat(hashing).isNotNull();
    List<String> names = new ArrayList<>();
    hashing.get("strategies").forEach(s -> names.add(s.get("name").asText()));
    assertThat(names).containsExactly("bounded-load", "jump", "maglev", "modulo", "multi-probe", "rendezvous", "ring");
  }

  @Test
  void keyLookupsPrintTheNodeOfEachKeyAsJumpHashOverXxHash64Computes() {
    CliRun run = CliRun.of("simulate", "hashing", "--strategy", "jump", "--nodes", "7", "--key", "user:42",
        "--key", "order/9", "--key", "");
    assertThat(run.status()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(3);
    String[] keys = {"user:42", "order/9", ""};
    for (int i = 0; i < keys.length; i++) {
      // Guava's jump hash over the key's xxHash64 (itself pinned to the published test vectors) is the oracle.
      int bucket = Hashing.consistentHash(HashFunction.XXHASH64.hash(keys[i].getBytes(StandardCharsets.UTF_8)), 7);
      assertThat(lines.get(i)).isEqualTo("jump\t" + keys[i] + "\tn" + (bucket + 1));
    }
  }

  @Test
  void jsonHasOneRecordPerStrategyAndSettingWithTheDocumentedFields() throws Exception {
    CliRun run = CliRun.of("simulate", "hashing", "--strategy", "ring,jump", "--nodes", "10,20", "--vnodes", "10,100",
        "--keys", "20000", "--json");
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode doc = Json.MAPPER.readTree(run.out());
    JsonNode results = doc.get("results");
    // ring: 2 node counts x 2 vnode counts; jump has no vnodes: 2 node counts
    assertThat(results).hasSize(6);
    for (JsonNode r : results) {
      for (String field : List.of("strategy", "nodes", "keys", "peakToMean", "relStdDev", "movedOnAdd",
          "movedOnRemove", "lookupNanos")) {
        assertThat(r.has(field)).as(field).isTrue();
      }
      assertThat(r.get("keys").asLong()).isEqualTo(20000);
      assertThat(r.get("peakToMean").asDouble()).isGreaterThanOrEqualTo(1.0);
      assertThat(r.get("movedOnAdd").asDouble()).isBetween(0.0, 1.0);
      assertThat(r.get("lookupNanos").asDouble()).isPositive();
    }
    assertThat(results.get(0).get("strategy").asText()).isEqualTo("ring");
    assertThat(results.get(0).get("parameters").get("vnodes").asText()).isEqualTo("10");
    assertThat(results.get(1).get("parameters").get("vnodes").asText()).isEqualTo("100");
    assertThat(results.get(4).get("strategy").asText()).isEqualTo("jump");
    assertThat(results.get(0).get("relStdDev").asDouble()).as("fewer vnodes spread worse")
        .isGreaterThan(results.get(1).get("relStdDev").asDouble());
    CliRun table = CliRun.of("simulate", "hashing", "--strategy", "modulo", "--nodes", "4", "--keys", "1000");
    assertThat(table.out()).contains("peak/mean").contains("modulo");
  }

  @Test
  void badInputNamesTheParameterAndWhatWouldBeRight() {
    String[][] cases = {
        {"--nodes 0", "--nodes must be 1..100000, got 0"},
        {"--strategy ring --vnodes 0", "parameter 'vnodes' of hashing strategy 'ring' must be in 1..10000, got 0"},
        {"--strategy ring --vnodes 20000", "parameter 'vnodes' of hashing strategy 'ring' must be in 1..10000, got 20000"},
        {"--strategy ring --hash crc32", "parameter 'hash' of hashing strategy 'ring': 'crc32' is not one of"
            + " xxhash64|murmur3|md5|sha1"},
        {"--strategy maglev -p table-size=65536", "parameter 'table-size' of hashing strategy 'maglev' must be a prime"},
        {"--strategy maglev -p table-size=7 --nodes 10", "parameter 'table-size' of hashing strategy 'maglev' (7) must"
            + " be at least the number of nodes (10)"},
        {"--keys 0", "--keys must be 1..100000000, got 0"},
        {"--strategy consistent", "unknown hashing strategy 'consistent'; valid hashing strategy names: bounded-load,"
            + " jump, maglev, modulo, multi-probe, rendezvous, ring"},
    };
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(List.of("simulate", "hashing"));
      if (!c[0].contains("--keys")) {
        args.addAll(List.of("--keys", "100"));
      }
      args.addAll(List.of(c[0].split(" ")));
      CliRun run = CliRun.of(args.toArray(new String[0]));
      assertThat(run.status()).as(c[0]).isEqualTo(2);
      assertThat(run.err()).as(c[0]).startsWith("bench simulate hashing: ").contains(c[1]);
    }
    CliRun serve = CliRun.of("serve", "--family", "hashing", "--strategy", "ring", "--port", "0", "--cache-nodes", "0");
    assertThat(serve.status()).isEqualTo(2);
    assertThat(serve.err()).contains("cache nodes must be 1..10000, got 0");
    CliRun event = CliRun.of("serve", "--family", "hashing", "--port", "0", "--node-event", "grow@1s");
    assertThat(event.status()).isEqualTo(2);
    assertThat(event.err()).contains("node event 'grow@1s'").contains("add@OFFSET");
    CliRun strategy = CliRun.of("serve", "--family", "hashing", "--strategy", "round-robin", "--port", "0");
    assertThat(strategy.status()).isEqualTo(2);
    assertThat(strategy.err()).contains("unknown hashing strategy 'round-robin'");
    CliRun micro = CliRun.of("micro", "hashing", "--nodes", "0");
    assertThat(micro.status()).isEqualTo(2);
    assertThat(micro.err()).contains("--nodes values must be 1..100000, got 0");
  }
}
