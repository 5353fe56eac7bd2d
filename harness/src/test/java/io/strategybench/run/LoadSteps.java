package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** What every suite test asks of every load step of its run, wherever the family keeps it. */
final class LoadSteps {
  private LoadSteps() {}

  /** Every load step of a run (a node with {@code step} and {@code diagnosis}), found anywhere in results.json. */
  static List<JsonNode> of(JsonNode results) {
    List<JsonNode> out = new ArrayList<>();
    collect(results, out);
    return out;
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isObject() && node.has("step") && node.has("diagnosis")) {
      out.add(node);
    }
    node.forEach(child -> collect(child, out));
  }

  /**
   * Client and server describe the same requests in every step: the server counted the client's measured requests
   * (but for those that got no answer), and no server percentile is above the client's at the next percentile up by
   * more than Gatling's 1 ms.
   */
  static void sameRequests(JsonNode results, String progress) {
    List<JsonNode> steps = of(results);
    assertThat(steps).as("load steps").isNotEmpty();
    for (JsonNode step : steps) {
      JsonNode p = step.get("population");
      String what = step.get("step").asText() + ": " + p + "\n" + progress;
      long client = p.get("clientRequests").asLong();
      long server = p.get("serverRequests").asLong();
      assertThat(Math.abs(client - server)).as(what).isLessThanOrEqualTo(p.get("withoutResponse").asLong());
      assertThat(client).as(what).isPositive();
      assertThat(p.get("sameRequests").asBoolean()).as(what).isTrue();
      assertThat(p.get("latencyLadder")).as(what).isNotEmpty();
      for (JsonNode rung : p.get("latencyLadder")) {
        assertThat(rung.get("serverMillis").asDouble()).as(what)
            .isLessThanOrEqualTo(rung.get("clientMillis").asDouble() + 1);
      }
      assertThat(p.get("serverWithinClient").asBoolean()).as(what).isTrue();
      assertThat(step.get("client").get("requests").asLong()).as(what).isEqualTo(client);
    }
  }

  /**
   * The run's exit status is one of {@code allowed}, or 4 (inconclusive) with every limited step's reason naming
   * what the machine did: on a shared machine a step may measure the machine, and then says so.
   */
  static void statusIs(int status, JsonNode results, String progress, Integer... allowed) {
    if (status == SuiteRunner.EXIT_INCONCLUSIVE) {
      assertThat(results.get("verdict").asText()).as(progress).isEqualTo("inconclusive");
      assertThat(results.get("inconclusive")).as(progress).isNotEmpty();
      results.get("inconclusive").forEach(i -> assertThat(i.asText()).as(progress)
          .containsAnyOf("fell behind its schedule", "stole", "starved of CPU"));
      return;
    }
    assertThat(status).as(progress).isIn((Object[]) allowed);
  }
}
