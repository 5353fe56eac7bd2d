package io.strategybench.cache;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import io.strategybench.scenario.ClientLatencyLog;
import io.strategybench.scenario.Injection;
import io.strategybench.scenario.LoadConfig;
import io.strategybench.scenario.Phases;
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
 * reads are named {@code request}, the writes {@code write}. A warm-up, then the target is reset (its counters and
 * timelines; the cache keeps what it holds), then the measured phase ({@link Phases}):
 *
 * <ul>
 *   <li>{@code steady}: Zipf reads of {@code keys} keys, a share {@code writes} of the requests writing instead;
 *   <li>{@code stampede}: the warm-up reads the hot key once, then opens {@code burst} connections (one read each
 *       of keys that do not exist, which are not cached, so the hot key stays); then {@code hot.rate} readers a
 *       second of the hot key, and at {@code burst.at} seconds into the phase {@code burst} readers at once; the hot
 *       key's expiry is set (through {@code POST /_/cache/expire}) to 0.2 s before the burst;
 *   <li>{@code penetration}: reads of {@code missing} keys that do not exist, in turn (404 is the answer);
 *   <li>{@code avalanche}: the warm-up reads every one of {@code keys} keys once, at {@code fill.rate}, so their
 *       TTLs start together; then uniform reads of them;
 *   <li>{@code conditional}: each user reads a Zipf key, then reads it again with {@code If-None-Match} and the
 *       {@code ETag} it got (304 when unchanged); the second read is the measured one.
 * </ul>
 */
public class CacheSimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final ClientLatencyLog latencyLog =
      config.hlog.isEmpty() ? null : new ClientLatencyLog(config.hlog, config + " scenario=" + config.scenario
          + " keys=" + config.keys + " zipf=" + config.zipf + " writes=" + config.writes);

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

  private static HttpRequestActionBuilder get(String name, int... statuses) {
    List<Integer> expected = new ArrayList<>();
    for (int s : statuses) {
      expected.add(s);
    }
    return http(name).get("/k/#{key}").check(status().in(expected));
  }

  /** A measured read of {@code #{key}}. */
  private ChainBuilder read(int... statuses) {
    return Phases.measured(latencyLog, get("request", statuses));
  }

  /** A warm-up read of {@code #{key}}. */
  private static ChainBuilder warmupRead(int... statuses) {
    return exec(Phases.warmup(get("warmup", statuses)));
  }

  private ChainBuilder readOrWrite(boolean measured) {
    HttpRequestActionBuilder put = http(measured ? "write" : "warmup-write").put("/k/#{key}").check(status().is(204));
    ChainBuilder write = exec(measured ? Phases.side(put) : Phases.warmup(put));
    return doIfOrElse(session -> session.getBoolean("write")).then(write)
        .orElse(measured ? read(200) : warmupRead(200));
  }

  /** A measured population: {@code chain} for each user of {@code injection}, fed by {@code keys}. */
  private PopulationBuilder measured(String name, Injection injection, Iterator<Map<String, Object>> keys,
      ChainBuilder chain) {
    return scenario(name).exec(feed(Phases.scheduled(latencyLog, injection, keys)), chain)
        .injectOpen(injection.steps());
  }

  private PopulationBuilder warmupAtRate(ChainBuilder chain) {
    return scenario("warmup").exec(chain).injectOpen(Injection.steps(config.warmupAtRate(config.warmup)));
  }

  private List<PopulationBuilder> warmups() {
    List<PopulationBuilder> out = new ArrayList<>();
    switch (config.scenario) {
      case "steady" -> {
        if (config.warmup > 0 && config.warmupOnHealth) {
          // warms the generator and the server's HTTP path, not the cache
          out.add(warmupAtRate(exec(Phases.warmup(http("warmup").get("/_/health").check(status().is(200))))));
        } else if (config.warmup > 0) {
          out.add(warmupAtRate(exec(feed(zipfKeys(config.seed + 100)), readOrWrite(false))));
        }
      }
      case "stampede" -> {
        // one read fills the hot key; then a connection per burst reader opens, all at once, with reads of keys the
        // origin does not have: they are not cached, so they evict nothing (the hot key stays)
        Iterator<Map<String, Object>> hot = feeder(() -> Map.of("key", config.hotKey, "write", false));
        out.add(scenario("warmup-hot").exec(feed(hot), warmupRead(200)).injectOpen(atOnceUsers(1)));
        out.add(scenario("warmup").exec(feed(inTurn(config.keys, config.burst)), warmupRead(404))
            .injectOpen(atOnceUsers(config.burst)));
      }
      case "penetration", "conditional" -> {
        if (config.warmup > 0) {
          out.add(warmupAtRate(exec(feed(zipfKeys(config.seed + 100)), warmupRead(200))));
        }
      }
      case "avalanche" -> {
        double fillSeconds = Math.max(1, config.keys / config.fillRate);
        out.add(scenario("warmup").exec(feed(inTurn(0, config.keys)), warmupRead(200))
            .injectOpen(Injection.constant(config.fillRate, fillSeconds).steps()));
      }
      default -> throw new IllegalArgumentException("scenario must be steady, stampede, penetration, avalanche or"
          + " conditional, got '" + config.scenario + "'");
    }
    return out;
  }

  private List<PopulationBuilder> measured() {
    List<PopulationBuilder> out = new ArrayList<>();
    Injection atRate = config.measured();
    switch (config.scenario) {
      case "steady" -> out.add(measured("load", atRate, zipfKeys(config.seed), readOrWrite(true)));
      case "stampede" -> {
        Supplier<Iterator<Map<String, Object>>> hot =
            () -> feeder(() -> Map.of("key", config.hotKey, "write", false));
        // the hot key expires 0.2 s before the burst, so the burst meets it expired
        long expireIn = Math.max(0, Math.round((config.burstAt - 0.2) * 1000));
        out.add(scenario("expire").exec(http("expire").post("/_/cache/expire?key=" + config.hotKey + "&inMillis="
            + expireIn)).injectOpen(nothingFor(Duration.ofMillis(50)), atOnceUsers(1)));
        out.add(measured("load", Injection.constant(config.hotRate, config.duration), hot.get(), read(200)));
        out.add(measured("burst", Injection.atOnce(config.burst).after(config.burstAt), hot.get(), read(200)));
      }
      case "penetration" -> out.add(measured("load", atRate, inTurn(config.keys, config.missing), read(404)));
      case "avalanche" -> out.add(measured("load", atRate, uniformKeys(config.seed), read(200)));
      case "conditional" -> {
        ChainBuilder twice = exec(Phases.side(http("first").get("/k/#{key}").check(status().is(200))
                .check(header("ETag").saveAs("etag"))))
            .exec(Phases.measured(latencyLog, http("request").get("/k/#{key}").header("If-None-Match", "#{etag}")
                .check(status().in(200, 304))));
        out.add(measured("load", atRate, zipfKeys(config.seed), twice));
      }
      default -> throw new IllegalArgumentException("unknown scenario '" + config.scenario + "'");
    }
    return out;
  }

  {
    setUp(Phases.sequence(config, latencyLog, warmups(), measured())).protocols(config.protocol());
  }

  @Override
  public void after() {
    if (latencyLog != null) {
      latencyLog.close();
    }
  }
}
