package io.strategybench.hashing;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.strategybench.scenario.ClientLatencyLog;
import io.strategybench.scenario.LoadConfig;
import io.strategybench.scenario.ZipfKeys;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Open-model reads of a sharded cache: each request asks for one key ({@code GET /k/RANK}), ranks drawn from
 * a Zipf distribution over {@code keys} keys with exponent {@code zipf} (a few hot keys, a long tail), at a
 * set rate whatever the response times. The warm-up ramps up to the rate, then holds it while the caches
 * fill; one virtual user then resets the target, which zeroes its counters and starts its node-change timeline, so the
 * measured phase ({@code request}) holds every change. Knobs: {@link LoadConfig}.
 */
public class ShardedCacheSimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final ClientLatencyLog latencyLog =
      config.hlog.isEmpty() ? null : new ClientLatencyLog(config.hlog, config.toString() + " keys=" + config.keys
          + " zipf=" + config.zipf);

  private final HttpProtocolBuilder protocol = config.protocol();

  private final Iterator<Map<String, Object>> keys = new Iterator<>() {
    private final ZipfKeys zipf = new ZipfKeys(config.keys, config.zipf, config.seed);

    @Override
    public boolean hasNext() {
      return true;
    }

    @Override
    public synchronized Map<String, Object> next() {
      return Map.of("key", zipf.next());
    }
  };

  private ChainBuilder request(String name) {
    return io.gatling.javaapi.core.CoreDsl.feed(keys)
        .exec(http(name).get("/k/#{key}")
            .check(responseTimeInMillis().saveAs("rt"))
            .check(status().is(200)))
        .exec(session -> {
          if (latencyLog != null && name.equals("request") && session.contains("rt")) {
            latencyLog.recordMillis(session.getLong("rt"));
          }
          return session;
        });
  }

  private OpenInjectionStep[] measured() {
    OpenInjectionStep load = config.profile.equals("ramp")
        ? rampUsersPerSec(config.rate / 10).to(config.rate).during(config.duration)
        : constantUsersPerSec(config.rate).during(config.duration);
    return config.warmup > 0 ? new OpenInjectionStep[] {nothingFor(config.warmup), load}
        : new OpenInjectionStep[] {load};
  }

  private final ScenarioBuilder warmup = scenario("warmup").exec(request("warmup"));
  private final ScenarioBuilder load = scenario("load").exec(request("request"));
  private final ScenarioBuilder reset = scenario("reset").exec(http("reset").post("/_/reset"));

  {
    var populations = Stream.of(
        // Half the warm-up ramps up to the rate (the JVMs compile their hot paths), half holds it (the caches fill).
        config.warmup > 0 ? warmup.injectOpen(
            rampUsersPerSec(config.rate / 10).to(config.rate).during(Math.max(1, config.warmup / 2)),
            constantUsersPerSec(config.rate).during(Math.max(1, config.warmup - config.warmup / 2)))
            : null,
        reset.injectOpen(nothingFor(config.warmup), atOnceUsers(1)),
        load.injectOpen(measured()))
        .filter(java.util.Objects::nonNull)
        .toList();
    setUp(List.copyOf(populations)).protocols(protocol);
  }

  @Override
  public void after() {
    if (latencyLog != null) {
      latencyLog.close();
    }
  }
}
