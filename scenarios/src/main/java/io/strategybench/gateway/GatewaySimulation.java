package io.strategybench.gateway;

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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Clients of an API gateway: each request reads one key of the service ({@code GET /k/RANK}, ranks Zipf over
 * {@code keys} with exponent {@code zipf}) on behalf of one client, named by its API key ({@code client-N}, drawn
 * Zipf over {@code api.keys} with exponent {@code api.key.skew}, so a few clients send most of the requests and
 * meet their rate limit). The client goes in {@code X-Api-Key}, or with {@code key.from=jwt} as the {@code sub}
 * claim of an {@code Authorization: Bearer} JWT (unsigned: the gateway reads the claim, verifying is the
 * authentication's job). An answer of 200 or 429 (the limiter refused) is a success; anything else fails. Warm-up,
 * reset and measured phase: {@link Phases}; common knobs: {@link LoadConfig}.
 */
public class GatewaySimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final int apiKeys = LoadConfig.positiveInt("api.keys", 100);
  private final double apiKeySkew = LoadConfig.number("api.key.skew", 1.0, 0, 5);
  private final String keyFrom = LoadConfig.property("key.from", "header");
  private final ClientLatencyLog latencyLog =
      config.hlog.isEmpty() ? null : new ClientLatencyLog(config.hlog, config + " keys=" + config.keys + " zipf="
          + config.zipf + " api.keys=" + apiKeys + " api.key.skew=" + apiKeySkew + " key.from=" + keyFrom);

  /** A bearer token whose payload is {@code {"sub":"CLIENT"}}, unsigned. */
  static String bearer(String client) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(("{\"sub\":\"" + client + "\"}").getBytes(StandardCharsets.UTF_8));
    return "Bearer " + header + "." + payload + ".";
  }

  private Iterator<Map<String, Object>> feeder(long seed) {
    String[] tokens = new String[apiKeys];
    for (int i = 0; i < apiKeys; i++) {
      tokens[i] = bearer("client-" + i);
    }
    return new Iterator<>() {
      private final ZipfKeys keys = new ZipfKeys(config.keys, config.zipf, seed);
      private final ZipfKeys clients = new ZipfKeys(apiKeys, apiKeySkew, seed + 1);

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public synchronized Map<String, Object> next() {
        int client = clients.next();
        return Map.of("key", keys.next(), "apiKey", "client-" + client, "token", tokens[client]);
      }
    };
  }

  private HttpRequestActionBuilder request(String name) {
    HttpRequestActionBuilder get = http(name).get("/k/#{key}");
    get = keyFrom.equals("jwt") ? get.header("Authorization", "#{token}") : get.header("X-Api-Key", "#{apiKey}");
    return get.check(status().in(200, 429));
  }

  {
    if (!keyFrom.equals("header") && !keyFrom.equals("jwt")) {
      throw new IllegalArgumentException("key.from must be header or jwt, got '" + keyFrom + "'");
    }
    Injection measured = config.measured();
    List<PopulationBuilder> warmup = config.warmup == 0 ? List.of()
        : List.of(scenario("warmup").exec(feed(feeder(config.seed + 100)), exec(Phases.warmup(request("warmup"))))
            .injectOpen(Injection.steps(config.warmupAtRate(Math.max(2, config.warmup)))));
    PopulationBuilder load = scenario("load")
        .exec(feed(Phases.scheduled(latencyLog, measured, feeder(config.seed))),
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
