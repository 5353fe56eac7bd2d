package io.strategybench.hashing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.backend.ServiceTime;
import io.strategybench.server.Json;
import io.strategybench.testing.TestTarget;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShardRouterStageTest {
  private TestTarget target;

  @AfterEach
  void stop() {
    if (target != null) {
      target.close();
    }
  }

  private static ShardRouterStage.Config config(int nodes, int entries, String originTime, int capacity, int queue,
      List<NodeEvent> events) {
    return config(nodes, entries, originTime, capacity, queue, events, false);
  }

  private static ShardRouterStage.Config config(int nodes, int entries, String originTime, int capacity, int queue,
      List<NodeEvent> events, boolean fromReset) {
    return new ShardRouterStage.Config(nodes, entries, ServiceTime.parse(originTime, "origin"), capacity, queue, 64,
        events, fromReset);
  }

  private JsonNode cacheStats() throws Exception {
    return Json.MAPPER.readTree(target.get("/_/stats").body()).get("stages").get("hashing");
  }

  /** Where a twin ring with nodes of the same names puts each key: the oracle for the router. */
  private static Map<String, String> twin(List<String> nodeNames, List<String> keys) {
    RingHash ring = new RingHash();
    ring.setNodes(nodeNames.stream().map(n -> HashNode.of(n, 1)).toList());
    Map<String, String> owners = new HashMap<>();
    for (String key : keys) {
      owners.put(key, ring.nodeFor(key).name());
    }
    return owners;
  }

  private static List<String> keys(int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add("/item/" + i);
    }
    return keys;
  }

  @Test
  void aKeyMissesOnceThenHitsOnTheNodeTheStrategyChose() throws Exception {
    target = TestTarget.start(new ShardRouterStage(new RingHash(), "ring", config(4, 1000, "const:1ms", 8, 64,
        List.of())), "hashing");
    List<String> keys = keys(50);
    Map<String, String> owners = twin(List.of("n1", "n2", "n3", "n4"), keys);
    for (String key : keys) {
      HttpResponse<String> first = target.get(key);
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("x-cache")).hasValue("MISS");
      assertThat(first.headers().firstValue("x-node")).hasValue(owners.get(key));
      HttpResponse<String> second = target.get(key);
      assertThat(second.headers().firstValue("x-cache")).hasValue("HIT");
      assertThat(second.headers().firstValue("x-node")).hasValue(owners.get(key));
      assertThat(second.body()).hasSize(64);
    }
    JsonNode stats = cacheStats();
    assertThat(stats.get("requests").asLong()).isEqualTo(100);
    assertThat(stats.get("hits").asLong()).isEqualTo(50);
    assertThat(stats.get("originRequests").asLong()).isEqualTo(50);
    assertThat(stats.get("hitRatio").asDouble()).isEqualTo(0.5);
    long perNode = 0;
    for (JsonNode node : stats.get("nodes")) {
      perNode += node.get("requests").asLong();
      assertThat(node.get("entries").asLong()).isEqualTo(owners.values().stream()
          .filter(o -> o.equals(node.get("name").asText())).count());
    }
    assertThat(perNode).isEqualTo(100);
    long series = 0;
    for (JsonNode second : stats.get("perSecond").get("requests")) {
      series += second.asLong();
    }
    assertThat(series).as("the per-second series adds up to the total").isEqualTo(100);
  }

  @Test
  void addingANodeMovesOnlyTheKeysItTakesAndRemovingOneLosesOnlyItsKeys() throws Exception {
    target = TestTarget.start(new ShardRouterStage(new RingHash(), "ring", config(4, 1000, "const:1ms", 8, 64,
        List.of())), "hashing");
    List<String> keys = keys(200);
    for (String key : keys) {
      assertThat(target.get(key).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> added = target.post("/_/nodes");
    assertThat(added.statusCode()).isEqualTo(201);
    assertThat(Json.MAPPER.readTree(added.body()).get("added").asText()).isEqualTo("n5");
    Map<String, String> after = twin(List.of("n1", "n2", "n3", "n4", "n5"), keys);
    int misses = 0;
    for (String key : keys) {
      HttpResponse<String> r = target.get(key);
      assertThat(r.headers().firstValue("x-node")).hasValue(after.get(key));
      if (after.get(key).equals("n5")) {
        assertThat(r.headers().firstValue("x-cache")).as("%s moved to the new, empty node", key).hasValue("MISS");
        misses++;
      } else {
        assertThat(r.headers().firstValue("x-cache")).as("%s stayed on its node", key).hasValue("HIT");
      }
    }
    assertThat(misses).as("the new node takes some keys").isPositive();

    assertThat(target.delete("/_/nodes/n2").statusCode()).isEqualTo(200);
    Map<String, String> removed = twin(List.of("n1", "n3", "n4", "n5"), keys);
    for (String key : keys) {
      HttpResponse<String> r = target.get(key);
      String cache = after.get(key).equals("n2") ? "MISS" : "HIT";
      assertThat(r.headers().firstValue("x-cache")).as("%s, which was on %s", key, after.get(key)).hasValue(cache);
      assertThat(r.headers().firstValue("x-node")).hasValue(removed.get(key));
    }
    JsonNode stats = cacheStats();
    JsonNode n2 = null;
    for (JsonNode node : stats.get("nodes")) {
      if (node.get("name").asText().equals("n2")) {
        n2 = node;
      }
    }
    assertThat(n2).as("a removed node's counters stay in the stats").isNotNull();
    assertThat(n2.get("removed").asBoolean()).isTrue();
    assertThat(n2.get("requests").asLong()).isPositive();
    JsonNode changes = stats.get("changes");
    assertThat(changes).hasSize(2);
    assertThat(changes.get(0).get("change").asText()).isEqualTo("added n5");
    assertThat(changes.get(1).get("change").asText()).isEqualTo("removed n2");
    assertThat(changes.get(1).get("atSeconds").asDouble()).isGreaterThanOrEqualTo(changes.get(0).get("atSeconds").asDouble());
  }

  @Test
  void nodeChangesOnTheTimelineHappenAndRestartAfterAReset() throws Exception {
    target = TestTarget.start(new ShardRouterStage(new JumpHash(), "jump", config(3, 100, "const:1ms", 8, 64,
        List.of(NodeEvent.parse("add@200ms"), NodeEvent.parse("remove@1s")))), "hashing");
    awaitNodes(List.of("n1", "n2", "n3", "n4"));
    awaitNodes(List.of("n1", "n2", "n4"));
    assertThat(target.post("/_/reset").statusCode()).isEqualTo(200);
    awaitNodes(List.of("n1", "n2", "n4", "n5"));
    JsonNode change = cacheStats().get("changes").get(0);
    assertThat(change.get("change").asText()).isEqualTo("added n5");
    assertThat(change.get("atSeconds").asDouble()).as("offsets count from the reset").isBetween(0.15, 1.0);
  }

  @Test
  void aTimelineFromTheResetWaitsForIt() throws Exception {
    target = TestTarget.start(new ShardRouterStage(new RingHash(), "ring", config(3, 100, "const:1ms", 8, 64,
        List.of(NodeEvent.parse("add@100ms")), true)), "hashing");
    Thread.sleep(400);
    assertThat(Json.MAPPER.readTree(target.get("/_/nodes").body())).as("no change before the reset").hasSize(3);
    assertThat(target.post("/_/reset").statusCode()).isEqualTo(200);
    awaitNodes(List.of("n1", "n2", "n3", "n4"));
  }

  private void awaitNodes(List<String> expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> names = List.of();
    while (System.nanoTime() < deadline) {
      names = Json.MAPPER.readerForListOf(String.class).readValue(target.get("/_/nodes").body());
      if (names.equals(expected)) {
        return;
      }
      Thread.sleep(10);
    }
    assertThat(names).isEqualTo(expected);
  }

  @Test
  void anOverloadedOriginShedsWith503AndTheRouterKeepsServing() throws Exception {
    target = TestTarget.start(new ShardRouterStage(new RingHash(), "ring", config(2, 100, "const:300ms", 1, 1,
        List.of())), "hashing");
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      pending.add(TestTarget.CLIENT.sendAsync(HttpRequest.newBuilder(target.uri("/cold/" + i))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    int shed = 0;
    for (CompletableFuture<HttpResponse<String>> f : pending) {
      HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
      if (r.statusCode() == 200) {
        ok++;
      } else {
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("origin is over capacity");
        shed++;
      }
    }
    assertThat(ok).as("one served, one queued").isEqualTo(2);
    assertThat(shed).isEqualTo(4);
    JsonNode stats = cacheStats();
    assertThat(stats.get("originShed").asLong()).isEqualTo(4);
    assertThat(stats.get("originPeakInFlight").asLong()).isEqualTo(1);
    assertThat(target.get("/cold/0").statusCode()).isEqualTo(200);
  }

  @Test
  void theLastNodeCannotBeRemovedAndAnUnknownNodeIsNamed() throws Exception {
    target = TestTarget.start(new ShardRouterStage(new ModuloHash(), "modulo", config(1, 10, "const:1ms", 1, 1,
        List.of())), "hashing");
    HttpResponse<String> last = target.delete("/_/nodes/n1");
    assertThat(last.statusCode()).isEqualTo(409);
    assertThat(last.body()).contains("last cache node");
    HttpResponse<String> unknown = target.delete("/_/nodes/n9");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("n9").contains("n1");
    assertThat(target.get("/k").statusCode()).isEqualTo(200);
  }

  @Test
  void anAddTheStrategyRefusesChangesNothing() throws Exception {
    MaglevHash maglev = (MaglevHash) ConsistencyTest.create("maglev", java.util.Map.of("table-size", "7"));
    target = TestTarget.start(new ShardRouterStage(maglev, "maglev", config(7, 10, "const:1ms", 1, 1, List.of())),
        "hashing");
    HttpResponse<String> refused = target.post("/_/nodes");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("table-size").contains("at least the number of nodes (8)");
    assertThat(Json.MAPPER.readTree(target.get("/_/nodes").body())).hasSize(7);
    assertThat(cacheStats().get("nodes")).hasSize(7);
    assertThat(target.delete("/_/nodes/n3").statusCode()).isEqualTo(200);
    HttpResponse<String> added = target.post("/_/nodes");
    assertThat(added.statusCode()).isEqualTo(201);
    assertThat(Json.MAPPER.readTree(added.body()).get("added").asText()).as("no name was used up").isEqualTo("n8");
    assertThat(target.get("/k").statusCode()).isEqualTo(200);
  }

  @Test
  void badNodeEventsAreRejectedWithTheAcceptedForms() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeEvent.parse("grow@10s"))
        .hasMessageContaining("grow").hasMessageContaining("add@OFFSET");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeEvent.parse("add"))
        .hasMessageContaining("no offset");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeEvent.parse("@10s"))
        .hasMessageContaining("no action");
    assertThat(NodeEvent.parse(" remove=n3@20s ")).isEqualTo(new NodeEvent(TimeUnit.SECONDS.toNanos(20), false, "n3"));
  }
}
