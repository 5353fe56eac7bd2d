package com.example.strategybench.retry;

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
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open-model calls through the target's retry stage ({@code GET /r/N}) at a set rate: the stage calls its
 * overloaded upstream and retries as its policy says. An answer of 200 is a success; 503 (the policy gave up)
 * counts as failed. Warm-up, reset and measured phase: {@link Phases}; knobs: {@link LoadConfig}.
 */
public class RetrySimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final ClientLatencyLog latencyLog =
      config.hlog.isEmpty() ? null : new ClientLatencyLog(config.hlog, config.toString());

  private static Iterator<Map<String, Object>> numbers() {
    AtomicLong next = new AtomicLong();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        return Map.of("n", next.getAndIncrement());
      }
    };
  }

  private static HttpRequestActionBuilder request(String name) {
    return http(name).get("/r/#{n}").check(status().is(200));
  }

  {
    Injection measured = config.measured();
    java.util.List<PopulationBuilder> warmup = config.warmup == 0 ? java.util.List.of()
        : java.util.List.of(scenario("warmup").exec(feed(numbers()), exec(Phases.warmup(request("warmup"))))
            .injectOpen(Injection.steps(config.warmupAtRate(Math.max(2, config.warmup)))));
    PopulationBuilder load = scenario("load")
        .exec(feed(Phases.scheduled(latencyLog, measured, numbers())), Phases.measured(latencyLog, request("request")))
        .injectOpen(measured.steps());
    setUp(Phases.sequence(config, latencyLog, warmup, java.util.List.of(load))).protocols(config.protocol());
  }

  @Override
  public void after() {
    if (latencyLog != null) {
      latencyLog.close();
    }
  }
}
