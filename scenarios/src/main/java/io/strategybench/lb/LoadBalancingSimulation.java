package io.strategybench.lb;

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
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Open-model load on a load-balancing target: requests arrive at a set rate whatever the response times
 * (no coordinated omission), each from a client address and a session drawn from fixed populations, sent
 * as {@code X-Forwarded-For} and the session header so the target's IP-hash and sticky strategies see
 * real clients. A warm-up ramping up to the rate runs first ({@code warmup}), then the target is reset, then the
 * measured phase ({@code request}) starts: {@link Phases}. Knobs: {@link LoadConfig}.
 */
public class LoadBalancingSimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final ClientLatencyLog latencyLog =
      config.hlog.isEmpty() ? null : new ClientLatencyLog(config.hlog, config.toString());

  /** Each virtual user is one request from one client, in one session. */
  private Iterator<Map<String, Object>> identities() {
    return new Iterator<>() {
      private final SplittableRandom random = new SplittableRandom(config.seed);

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public synchronized Map<String, Object> next() {
        int client = random.nextInt(config.clients);
        return Map.of(
            "client", "10." + (client >> 16 & 255) + "." + (client >> 8 & 255) + "." + (client & 255),
            "session", "s" + random.nextInt(config.sessions));
      }
    };
  }

  private HttpRequestActionBuilder request(String name) {
    return http(name).get(config.path)
        .header("X-Forwarded-For", "#{client}")
        .header(config.sessionHeader, "#{session}")
        .check(status().in(200, 201, 202, 203, 204, 206, 301, 302, 304));
  }

  {
    Injection measured = config.measured();
    List<PopulationBuilder> warmup = config.warmup == 0 ? List.of()
        // the warm-up ramps up to the rate, so both JVMs compile their hot paths before the full load arrives
        : List.of(scenario("warmup").exec(feed(identities()), io.gatling.javaapi.core.CoreDsl.exec(
            Phases.warmup(request("warmup")))).injectOpen(config.warmupRamp(config.warmup).steps()));
    PopulationBuilder load = scenario("load")
        .exec(feed(Phases.scheduled(latencyLog, measured, identities())), Phases.measured(latencyLog, request("request")))
        .injectOpen(measured.steps());
    setUp(Phases.sequence(config, latencyLog, warmup, List.of(load))).protocols(config.protocol());
  }

  @Override
  public void after() {
    if (latencyLog != null) {
      latencyLog.close();
    }
  }
}
