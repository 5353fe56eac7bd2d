package io.strategybench.hashing;

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
import io.strategybench.scenario.ZipfKeys;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Open-model reads of a sharded cache: each request asks for one key ({@code GET /k/RANK}), ranks drawn from
 * a Zipf distribution over {@code keys} keys with exponent {@code zipf} (a few hot keys, a long tail), at a
 * set rate whatever the response times. The warm-up ramps up to the rate, then holds it while the caches
 * fill; then the target is reset, which zeroes its counters and starts its node-change timeline, so the
 * measured phase ({@code request}) holds every change: {@link Phases}. Knobs: {@link LoadConfig}.
 */
public class HashingSimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final ClientLatencyLog latencyLog =
      config.hlog.isEmpty() ? null : new ClientLatencyLog(config.hlog, config.toString() + " keys=" + config.keys
          + " zipf=" + config.zipf);

  private Iterator<Map<String, Object>> keys(long seed) {
    return new Iterator<>() {
      private final ZipfKeys zipf = new ZipfKeys(config.keys, config.zipf, seed);

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public synchronized Map<String, Object> next() {
        return Map.of("key", zipf.next());
      }
    };
  }

  private HttpRequestActionBuilder request(String name) {
    return http(name).get("/k/#{key}").check(status().is(200));
  }

  {
    Injection measured = config.measured();
    // half the warm-up ramps up to the rate (the JVMs compile their hot paths), half holds it (the caches fill)
    List<PopulationBuilder> warmup = config.warmup == 0 ? List.of()
        : List.of(scenario("warmup").exec(feed(keys(config.seed + 100)), exec(Phases.warmup(request("warmup"))))
            .injectOpen(Injection.steps(config.warmupAtRate(Math.max(2, config.warmup)))));
    PopulationBuilder load = scenario("load")
        .exec(feed(Phases.scheduled(latencyLog, measured, keys(config.seed))),
            Phases.measured(latencyLog, request("request")))
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
