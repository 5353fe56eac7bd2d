package io.strategybench.lb;

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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Open-model load on a load-balancing target: requests arrive at a set rate whatever the response times
 * (no coordinated omission), each from a client address and a session drawn from fixed populations, sent
 * as {@code X-Forwarded-For} and the session header so the target's IP-hash and sticky strategies see
 * real clients. A warm-up ramping up to the rate runs first and is named apart ({@code warmup}); at its end one
 * virtual user resets the target's counters, so server and client figures cover the same measured phase
 * ({@code request}). Knobs: {@link LoadConfig}.
 */
public class LoadBalancingSimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final ClientLatencyLog latencyLog =
      config.hlog.isEmpty() ? null : new ClientLatencyLog(config.hlog, config.toString());

  private final HttpProtocolBuilder protocol = config.protocol();

  /** Each virtual user is one request from one client, in one session. */
  private final Iterator<Map<String, Object>> identities = new Iterator<>() {
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

  private ChainBuilder request(String name) {
    return io.gatling.javaapi.core.CoreDsl.feed(identities)
        .exec(http(name).get(config.path)
            .header("X-Forwarded-For", "#{client}")
            .header(config.sessionHeader, "#{session}")
            .check(responseTimeInMillis().saveAs("rt"))
            .check(status().in(200, 201, 202, 203, 204, 206, 301, 302, 304)))
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
        // The warm-up ramps up to the rate, so both JVMs compile their hot paths before the full load arrives.
        config.warmup > 0 ? warmup.injectOpen(rampUsersPerSec(config.rate / 10).to(config.rate).during(config.warmup))
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
