package io.strategybench.ratelimit;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.strategybench.scenario.ClientLatencyLog;
import io.strategybench.scenario.LoadConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Clients of a rate-limited API, open model: {@code good.clients} well-behaved clients at {@code good.rate}
 * requests per second each (under their limit) and {@code abusive.clients} abusive ones at
 * {@code abusive.rate} each (far over it). Each request carries its client's API key ({@code X-Api-Key:
 * good-3}) and class ({@code X-Client-Class: good}); 429 is an expected answer, not an error. A warm-up at
 * the same rates, then one virtual user resets the target (and the instances behind it listed in the
 * {@code reset.urls} property), and the measured phase begins. Knobs: {@link LoadConfig}.
 */
public class RateLimitSimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final ClientLatencyLog latencyLog =
      config.hlog.isEmpty() ? null : new ClientLatencyLog(config.hlog, config + " good=" + config.goodClients + "x"
          + config.goodRate + "/s abusive=" + config.abusiveClients + "x" + config.abusiveRate + "/s");

  private final HttpProtocolBuilder protocol = config.protocol();

  /** Cycles through the keys of one class, so each client gets its share of the class's rate. */
  private static Iterator<Map<String, Object>> keys(String clientClass, int count) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public synchronized Map<String, Object> next() {
        int i = next;
        next = (i + 1) % count;
        return Map.of("key", clientClass + "-" + i, "class", clientClass);
      }
    };
  }

  private ChainBuilder request(String name, Iterator<Map<String, Object>> feeder, boolean measured) {
    return io.gatling.javaapi.core.CoreDsl.feed(feeder)
        .exec(http(name).get(config.path)
            .header("X-Api-Key", "#{key}")
            .header("X-Client-Class", "#{class}")
            .check(responseTimeInMillis().saveAs("rt"))
            .check(status().in(200, 429)))
        .exec(session -> {
          if (latencyLog != null && measured && session.contains("rt")) {
            latencyLog.recordMillis(session.getLong("rt"));
          }
          return session;
        });
  }

  private PopulationBuilder population(String clientClass, int count, double perClient) {
    Iterator<Map<String, Object>> feeder = keys(clientClass, count);
    double rate = count * perClient;
    List<io.gatling.javaapi.core.OpenInjectionStep> steps = new ArrayList<>();
    if (config.warmup > 0) {
      steps.add(constantUsersPerSec(rate).during(config.warmup));
    }
    steps.add(constantUsersPerSec(rate).during(config.duration));
    // One scenario per class; requests are named warmup or request by when they start, so Gatling's
    // figures and the client latency log cover only the measured phase (both classes together).
    long measuredFrom = System.nanoTime() + config.warmup * 1_000_000_000L;
    // The well-behaved clients' scenario is named load: the suite's progress line follows it.
    ScenarioBuilder s = scenario(clientClass.equals("good") ? "load" : clientClass)
        .exec(io.gatling.javaapi.core.CoreDsl.doIfOrElse(session -> System.nanoTime() >= measuredFrom)
            .then(request("request", feeder, true))
            .orElse(request("warmup", feeder, false)));
    return s.injectOpen(steps.toArray(new io.gatling.javaapi.core.OpenInjectionStep[0]));
  }

  {
    List<PopulationBuilder> populations = new ArrayList<>();
    populations.add(population("good", config.goodClients, config.goodRate));
    if (config.abusiveClients > 0) {
      populations.add(population("abusive", config.abusiveClients, config.abusiveRate));
    }
    // The reset ends the warm-up: the target's, and those of the instances behind it (reset.urls).
    ChainBuilder reset = io.gatling.javaapi.core.CoreDsl.exec(http("reset").post("/_/reset"));
    String extra = System.getProperty("reset.urls", "");
    int n = 0;
    for (String url : extra.split(",")) {
      if (!url.isBlank()) {
        reset = reset.exec(http("reset-" + (++n)).post(url.trim() + "/_/reset"));
      }
    }
    populations.add(scenario("reset").exec(reset).injectOpen(nothingFor(config.warmup), atOnceUsers(1)));
    setUp(populations).protocols(protocol);
  }

  @Override
  public void after() {
    if (latencyLog != null) {
      latencyLog.close();
    }
  }
}
