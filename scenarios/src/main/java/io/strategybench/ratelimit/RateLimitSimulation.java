package io.strategybench.ratelimit;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import io.strategybench.scenario.ClientLatencyLog;
import io.strategybench.scenario.Injection;
import io.strategybench.scenario.LoadConfig;
import io.strategybench.scenario.Phases;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Clients of a rate-limited API, open model: {@code good.clients} well-behaved clients at {@code good.rate}
 * requests per second each (under their limit) and {@code abusive.clients} abusive ones at
 * {@code abusive.rate} each (far over it). Each request carries its client's API key ({@code X-Api-Key:
 * good-3}) and class ({@code X-Client-Class: good}); 429 is an expected answer, not an error. A warm-up at
 * the same rates (both classes interleaved in one population), then the target is reset (and the instances
 * behind it listed in {@code reset.urls}), then the measured phase: {@link Phases}. Knobs: {@link LoadConfig}.
 */
public class RateLimitSimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final ClientLatencyLog latencyLog =
      config.hlog.isEmpty() ? null : new ClientLatencyLog(config.hlog, config + " good=" + config.goodClients + "x"
          + config.goodRate + "/s abusive=" + config.abusiveClients + "x" + config.abusiveRate + "/s");

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

  /** Both classes in one stream, each at its share of the arrivals (smooth weighted round robin). */
  private Iterator<Map<String, Object>> interleaved() {
    Iterator<Map<String, Object>> good = keys("good", config.goodClients);
    Iterator<Map<String, Object>> abusive = keys("abusive", Math.max(1, config.abusiveClients));
    double goodRate = config.goodClients * config.goodRate;
    double abusiveRate = config.abusiveClients * config.abusiveRate;
    return new Iterator<>() {
      private double goodCredit;
      private double abusiveCredit;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public synchronized Map<String, Object> next() {
        goodCredit += goodRate;
        abusiveCredit += abusiveRate;
        if (goodCredit >= abusiveCredit) {
          goodCredit -= goodRate + abusiveRate;
          return good.next();
        }
        abusiveCredit -= goodRate + abusiveRate;
        return abusive.next();
      }
    };
  }

  private HttpRequestActionBuilder request(String name) {
    return http(name).get(config.path)
        .header("X-Api-Key", "#{key}")
        .header("X-Client-Class", "#{class}")
        .check(status().in(200, 429));
  }

  private PopulationBuilder measured(String clientClass, int count, double perClient) {
    Injection injection = Injection.constant(count * perClient, config.duration);
    // the well-behaved clients' scenario is named load: the suite's progress line follows it
    return scenario(clientClass.equals("good") ? "load" : clientClass)
        .exec(feed(Phases.scheduled(latencyLog, injection, keys(clientClass, count))),
            Phases.measured(latencyLog, request("request")))
        .injectOpen(injection.steps());
  }

  {
    double total = config.goodClients * config.goodRate + config.abusiveClients * config.abusiveRate;
    List<PopulationBuilder> warmup = config.warmup == 0 ? List.of()
        : List.of(scenario("warmup").exec(feed(interleaved()), exec(Phases.warmup(request("warmup"))))
            .injectOpen(Injection.constant(total, config.warmup).steps()));
    List<PopulationBuilder> measured = new ArrayList<>();
    measured.add(measured("good", config.goodClients, config.goodRate));
    if (config.abusiveClients > 0) {
      measured.add(measured("abusive", config.abusiveClients, config.abusiveRate));
    }
    setUp(Phases.sequence(config, latencyLog, warmup, measured)).protocols(config.protocol());
  }

  @Override
  public void after() {
    if (latencyLog != null) {
      latencyLog.close();
    }
  }
}
