package io.strategybench.scenario;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of every load run, so the client and the target count the same requests: the warm-up stages run one
 * after the other, then one virtual user resets the target (and the instances behind it, {@code reset.urls}),
 * then the measured populations start together. Gatling starts each part only when the one before has finished,
 * every request included ({@code andThen}), so no warm-up request reaches the target after its reset however late
 * the load generator runs. Every request says which phase it belongs to in the {@value #HEADER} header, and the
 * target records the phases apart.
 */
public final class Phases {
  /** The request header that names a request's phase. */
  public static final String HEADER = "X-Bench-Phase";
  public static final String WARMUP = "warmup";
  public static final String MEASURED = "measured";
  /**
   * Traffic of the measured phase that its figures leave out, labelled so the target leaves it out too: the
   * cache's writes beside its measured reads, the first read of a conditional pair.
   */
  public static final String SIDE = "side";
  /** The session attribute a measured request saves its response time in. */
  private static final String RT = "rt";

  private Phases() {}

  /** A warm-up request: labelled, not recorded. */
  public static HttpRequestActionBuilder warmup(HttpRequestActionBuilder request) {
    return request.header(HEADER, WARMUP);
  }

  /** A request of the measured phase that its figures leave out: labelled, not recorded. */
  public static HttpRequestActionBuilder side(HttpRequestActionBuilder request) {
    return request.header(HEADER, SIDE);
  }

  /**
   * A measured request: labelled, and recorded in {@code log} (when there is one) once Gatling has checked it,
   * as answered or not and successful or not.
   */
  public static ChainBuilder measured(ClientLatencyLog log, HttpRequestActionBuilder request) {
    HttpRequestActionBuilder labelled = request.header(HEADER, MEASURED).check(responseTimeInMillis().saveAs(RT));
    if (log == null) {
      return exec(labelled);
    }
    return exec(session -> session.markAsSucceeded()).exec(labelled).exec(session -> log.record(session, RT));
  }

  /**
   * The feeder of a measured population: {@code inner}'s records, each user's lag against {@code injection}
   * recorded in {@code log} (when there is one).
   */
  public static java.util.Iterator<java.util.Map<String, Object>> scheduled(ClientLatencyLog log,
      Injection injection, java.util.Iterator<java.util.Map<String, Object>> inner) {
    return log == null ? inner : log.scheduled(injection, inner);
  }

  /**
   * The populations of a run: {@code warmups} one after the other, then the reset, then {@code measured}
   * together; the log's measured phase starts when the reset has been answered.
   */
  public static List<PopulationBuilder> sequence(LoadConfig config, ClientLatencyLog log,
      List<PopulationBuilder> warmups, List<PopulationBuilder> measured) {
    // Nothing is in flight between the phases: each JVM collects its garbage now, not during the measured phase.
    ChainBuilder reset = exec(http("reset").post("/_/reset?gc=true"));
    int n = 0;
    for (String url : config.resetUrls) {
      reset = reset.exec(http("reset-" + (++n)).post(url + "/_/reset?gc=true"));
    }
    reset = reset.exec(session -> {
      System.gc();
      if (log != null) {
        log.measuredPhaseStarts();
      }
      return session;
    });
    PopulationBuilder chain = scenario("reset").exec(reset).injectOpen(atOnceUsers(1)).andThen(measured);
    List<PopulationBuilder> stages = new ArrayList<>(warmups);
    for (int i = stages.size() - 1; i >= 0; i--) {
      chain = stages.get(i).andThen(chain);
    }
    return List.of(chain);
  }
}
