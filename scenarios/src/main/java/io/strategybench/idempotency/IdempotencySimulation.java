package io.strategybench.idempotency;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
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
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Clients creating orders with an {@code Idempotency-Key}, open model: each key is sent {@code copies} times in a
 * row at the arrival rate (so the copies land at once on different instances behind the round-robin front), and
 * each of those clients sends it once more {@code retry.after} ms later, as a client does after a timeout (both
 * named {@code request}: the figures are of every request, as the server counts them). 201 (the
 * order, or its replay) and 409 (the key in flight) are the answers a correct server gives; anything else is an
 * error. The warm-up uses keys of its own. Knobs: {@code rate} (requests a second), {@code copies},
 * {@code retry.after}, {@code path}; {@link LoadConfig} for the rest.
 */
public class IdempotencySimulation extends Simulation {
  private final LoadConfig config = new LoadConfig();
  private final int copies = LoadConfig.positiveInt("copies", 3);
  private final int retryAfterMillis = LoadConfig.positiveInt("retry.after", 1000);
  private final String path = LoadConfig.property("path", "/orders");
  private final ClientLatencyLog latencyLog = config.hlog.isEmpty() ? null
      : new ClientLatencyLog(config.hlog, config + " copies=" + copies + " retry.after=" + retryAfterMillis + "ms");

  /** Keys {@code prefix-0, prefix-0, ... (copies times), prefix-1, ...}. */
  private Iterator<Map<String, Object>> keys(String prefix) {
    return new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public synchronized Map<String, Object> next() {
        long key = next++ / copies;
        return Map.of("key", prefix + "-" + key);
      }
    };
  }

  private HttpRequestActionBuilder order(String name) {
    return http(name).post(path)
        .header("Idempotency-Key", "#{key}")
        .header("Content-Type", "application/json")
        .body(StringBody("{\"item\":\"#{key}\",\"quantity\":1}"))
        .check(status().in(201, 409));
  }

  {
    String run = Long.toString(System.currentTimeMillis(), 36);
    List<PopulationBuilder> warmup = config.warmup == 0 ? List.of()
        : List.of(scenario("warmup").exec(feed(keys("w" + run)), exec(Phases.warmup(order("warmup"))))
            .injectOpen(Injection.constant(config.warmupRate, config.warmup).steps()));
    Injection injection = Injection.constant(config.rate, config.duration);
    PopulationBuilder measured = scenario("load")
        .exec(feed(Phases.scheduled(latencyLog, injection, keys("m" + run))),
            Phases.measured(latencyLog, order("request")),
            exec(session -> session).pause(Duration.ofMillis(retryAfterMillis)),
            Phases.measured(latencyLog, order("request")))
        .injectOpen(injection.steps());
    setUp(Phases.sequence(config, latencyLog, warmup, List.of(measured))).protocols(config.protocol());
  }

  @Override
  public void after() {
    if (latencyLog != null) {
      latencyLog.close();
    }
  }
}
