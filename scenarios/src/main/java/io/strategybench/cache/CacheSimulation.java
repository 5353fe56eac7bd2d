package io.strategybench.cache;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.strategybench.scenario.ClientLatencyLog;
import io.strategybench.scenario.LoadConfig;
import io.strategybench.scenario.ZipfKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The cache family's load, open model, one {@code scenario} per run (knobs in {@link LoadConfig}); the measured
 * reads are named {@code request}, the writes {@code write}. A warm-up, then one virtual user resets the target
 * (its counters and timelines; the cache keeps what it holds), then the measured phase:
 *
 * <ul>
 *   <li>{@code steady}: Zipf reads of {@code keys} keys, a share {@code writes} of the requests writing instead;
 *   <li>{@code stampede}: the warm-up reads the hot key once and opens {@code burst} connections (one read
 *       each of keys that do not exist, which are not cached); then {@code hot.rate} readers a second of the hot key, and at
 *       {@code burst.at} seconds into the phase {@code burst} readers at once; the hot key's expiry is set (through
 *       {@code POST /_/cache/expire}) to 0.2 s before the burst;
 *   <li>{@code penetration}: reads of {@code missing} keys that do not exist, in turn (404 is the answer);
 *   <li>{@code avalanche}: the warm-up reads every one of {@code keys} keys once, at {@code fill.rate}, so their
 *       TTLs start together; then uniform reads of them;
 *   <li>{@code conditional}: each user reads a Zipf key, then reads it again with {@code If-None-Match} and the
 *       {@code ETag} it got (304 when unchanged).
 * </ul>
 */
public class CacheSimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final ClientLatencyLog latencyLog =
      config.hlog.isEmpty() ? null : new ClientLatencyLog(config.hlog, config + " scenario=" + config.scenario
          + " keys=" + config.keys + " zipf=" + config.zipf + " writes=" + config.writes);

  private final HttpProtocolBuilder protocol = config.protocol();

  /** An endless feeder, safe for Gatling's threads. */
  private static Iterator<Map<String, Object>> feeder(Supplier<Map<String, Object>> next) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public synchronized Map<String, Object> next() {
        return next.get();
      }
    };
  }

  private Iterator<Map<String, Object>> zipfKeys(long seed) {
    ZipfKeys zipf = new ZipfKeys(config.keys, config.zipf, seed);
    SplittableRandom random = new SplittableRandom(seed + 1);
    return feeder(() -> Map.of("key", zipf.next(), "write", random.nextDouble() < config.writes));
  }

  private Iterator<Map<String, Object>> uniformKeys(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return feeder(() -> Map.of("key", random.nextInt(config.keys), "write", false));
  }

  private Iterator<Map<String, Object>> inTurn(long first, int count) {
    long[] next = {0};
    return feeder(() -> Map.of("key", first + (next[0]++ % count), "write", false));
  }

  /** A read of {@code #{key}}, recorded in the client latency log when measured. */
  private ChainBuilder read(String name, int... statuses) {
    return io.gatling.javaapi.core.CoreDsl.exec(http(name).get("/k/#{key}")
            .check(responseTimeInMillis().saveAs("rt"))
            .check(status().in(toList(statuses))))
        .exec(session -> {
          if (latencyLog != null && name.equals("request") && session.contains("rt")) {
            latencyLog.recordMillis(session.getLong("rt"));
          }
          return session;
        });
  }

  private static List<Integer> toList(int... values) {
    List<Integer> out = new ArrayList<>();
    for (int v : values) {
      out.add(v);
    }
    return out;
  }

  private ChainBuilder readOrWrite(boolean measured) {
    ChainBuilder write = io.gatling.javaapi.core.CoreDsl.exec(http(measured ? "write" : "warmup-write")
        .put("/k/#{key}").check(status().is(204)));
    return doIfOrElse(session -> session.getBoolean("write")).then(write)
        .orElse(read(measured ? "request" : "warmup", 200));
  }

  private OpenInjectionStep[] measuredAtRate() {
    OpenInjectionStep load = config.profile.equals("ramp")
        ? rampUsersPerSec(config.rate / 10).to(config.rate).during(config.duration)
        : constantUsersPerSec(config.rate).during(config.duration);
    return config.warmup > 0 ? new OpenInjectionStep[] {nothingFor(config.warmup), load}
        : new OpenInjectionStep[] {load};
  }

  /** Half the warm-up ramps up to the rate, half holds it; it ends when the measured phase starts. */
  private OpenInjectionStep[] warmupAtRate() {
    if (config.warmup < 2) {
      return new OpenInjectionStep[] {constantUsersPerSec(config.rate).during(config.warmup)};
    }
    return new OpenInjectionStep[] {
        rampUsersPerSec(config.rate / 10).to(config.rate).during(config.warmup / 2),
        constantUsersPerSec(config.rate).during(config.warmup - config.warmup / 2)};
  }

  private final ScenarioBuilder reset = scenario("reset").exec(http("reset").post("/_/reset"));

  private List<PopulationBuilder> populations() {
    List<PopulationBuilder> out = new ArrayList<>();
    out.add(reset.injectOpen(nothingFor(config.warmup), atOnceUsers(1)));
    switch (config.scenario) {
      case "steady" -> {
        if (config.warmup > 0) {
          out.add(scenario("warmup").exec(feed(zipfKeys(config.seed + 100)), readOrWrite(false))
              .injectOpen(warmupAtRate()));
        }
        out.add(scenario("load").exec(feed(zipfKeys(config.seed)), readOrWrite(true)).injectOpen(measuredAtRate()));
      }
      case "stampede" -> {
        // the warm-up opens a connection per burst reader, all at once, with reads of keys the origin does not
        // have: they are not cached, so they evict nothing (the hot key stays)
        out.add(scenario("warmup").exec(feed(inTurn(config.keys, config.burst)), read("warmup", 404))
            .injectOpen(nothingFor(Duration.ofMillis(300)), atOnceUsers(config.burst)));
        Iterator<Map<String, Object>> hot = feeder(() -> Map.of("key", config.hotKey, "write", false));
        // one read fills the hot key first thing in the warm-up (the connections open after it); when the phase
        // starts, its expiry is set to just before the burst, so the burst meets it expired
        out.add(scenario("warmup-hot").exec(feed(hot), read("warmup", 200)).injectOpen(atOnceUsers(1)));
        long expireIn = Math.max(0, Math.round((config.burstAt - 0.2) * 1000));
        out.add(scenario("expire").exec(http("expire").post("/_/cache/expire?key=" + config.hotKey + "&inMillis="
            + expireIn)).injectOpen(nothingFor(Duration.ofMillis(config.warmup * 1000L + 50)), atOnceUsers(1)));
        out.add(scenario("load").exec(feed(hot), read("request", 200))
            .injectOpen(nothingFor(config.warmup), constantUsersPerSec(config.hotRate).during(config.duration)));
        out.add(scenario("burst").exec(feed(hot), read("request", 200))
            .injectOpen(nothingFor(Duration.ofMillis((long) ((config.warmup + config.burstAt) * 1000))),
                atOnceUsers(config.burst)));
      }
      case "penetration" -> {
        if (config.warmup > 0) {
          out.add(scenario("warmup").exec(feed(zipfKeys(config.seed + 100)), read("warmup", 200))
              .injectOpen(warmupAtRate()));
        }
        out.add(scenario("load").exec(feed(inTurn(config.keys, config.missing)), read("request", 404))
            .injectOpen(measuredAtRate()));
      }
      case "avalanche" -> {
        double fillSeconds = Math.max(1, config.keys / config.fillRate);
        out.add(scenario("warmup").exec(feed(inTurn(0, config.keys)), read("warmup", 200))
            .injectOpen(constantUsersPerSec(config.fillRate).during(Duration.ofMillis((long) (fillSeconds * 1000)))));
        out.add(scenario("load").exec(feed(uniformKeys(config.seed)), read("request", 200))
            .injectOpen(measuredAtRate()));
      }
      case "conditional" -> {
        ChainBuilder twice = io.gatling.javaapi.core.CoreDsl.exec(feed(zipfKeys(config.seed)))
            .exec(http("first").get("/k/#{key}").check(status().is(200)).check(header("ETag").saveAs("etag")))
            .exec(http("request").get("/k/#{key}").header("If-None-Match", "#{etag}")
                .check(responseTimeInMillis().saveAs("rt")).check(status().in(200, 304)))
            .exec(session -> {
              if (latencyLog != null && session.contains("rt")) {
                latencyLog.recordMillis(session.getLong("rt"));
              }
              return session;
            });
        if (config.warmup > 0) {
          out.add(scenario("warmup").exec(feed(zipfKeys(config.seed + 100)), read("warmup", 200))
              .injectOpen(warmupAtRate()));
        }
        out.add(scenario("load").exec(twice).injectOpen(measuredAtRate()));
      }
      default -> throw new IllegalArgumentException("scenario must be steady, stampede, penetration, avalanche or"
          + " conditional, got '" + config.scenario + "'");
    }
    return out;
  }

  {
    setUp(populations()).protocols(protocol);
  }

  @Override
  public void after() {
    if (latencyLog != null) {
      latencyLog.close();
    }
  }
}
