package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The rules that call a load step inconclusive, each on seconds built to meet it or to miss it by a little. */
class DiagnosisTest {
  private static final long T0 = 1_800_000_000_000L;

  /** Five one-second blocks of 100 answers of 5 ms; {@code lagMillis} late starts for {@code lagged} users. */
  private static LoadWindow window(int lagged, long lagMillis) {
    List<LoadWindow.Second> seconds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Histogram latency = new Histogram(3);
      latency.recordValueWithCount(5_000_000, 100);
      Histogram lag = new Histogram(3);
      lag.recordValueWithCount(1_000_000, 100 - (i == 2 ? lagged : 0));
      if (i == 2 && lagged > 0) {
        lag.recordValueWithCount(lagMillis * 1_000_000, lagged);
      }
      seconds.add(new LoadWindow.Second(T0 + i * 1000L, T0 + (i + 1) * 1000L, latency, 0, 0, lag));
    }
    return LoadWindow.of(seconds);
  }

  /** A target second ending at the end of second {@code i} of the window. */
  private static Map<String, Object> second(int i, double delayMillis, double ranMillis, double waitedMillis,
      double gcMillis) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("endEpochMillis", T0 + (i + 1) * 1000L);
    m.put("loopDelayMaxMicros", delayMillis * 1000);
    m.put("loopDelayP99Micros", delayMillis * 1000);
    m.put("ioCpuMillis", ranMillis);
    m.put("ioRunQueueMillis", waitedMillis);
    m.put("gcPauseMillis", gcMillis);
    m.put("gcCount", gcMillis > 0 ? 1 : 0);
    m.put("cpuCores", 0.3);
    return m;
  }

  private static List<Diagnosis.TargetVitals> target(Map<String, Object>... late) {
    List<Map<String, Object>> seconds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Map<String, Object> quiet = second(i, 2, 100, 20, 0);
      for (Map<String, Object> l : late) {
        if (l.get("endEpochMillis").equals(quiet.get("endEpochMillis"))) {
          quiet = l;
        }
      }
      seconds.add(quiet);
    }
    return List.of(new Diagnosis.TargetVitals("target", 1, seconds));
  }

  @SuppressWarnings("unchecked")
  private static List<String> reasons(Map<String, Object> d) {
    return (List<String>) d.get("reasons");
  }

  @Test
  void aQuietStepIsConclusive() {
    Map<String, Object> d = Diagnosis.of(window(0, 0), null, target());
    assertThat(d.get("verdict")).isEqualTo("conclusive");
    assertThat(reasons(d)).isEmpty();
  }

  @Test
  void aGeneratorThatFellBehindMakesTheStepInconclusiveUnlessTheScenarioToleratesIt() {
    // 6 users of 500 (more than 1%) started 80 ms late: the p99 of the lag is 80 ms
    Map<String, Object> late = Diagnosis.of(window(6, 80), null, target());
    assertThat(late.get("verdict")).isEqualTo("inconclusive");
    assertThat(reasons(late)).singleElement().asString().contains("fell behind").contains("80 ms");
    assertThat(Diagnosis.of(window(4, 80), null, target()).get("verdict")).as("under 1% of users late")
        .isEqualTo("conclusive");
    assertThat(Diagnosis.of(window(6, 80), null, target(), 250, 250, "a burst").get("verdict"))
        .as("a stampede tolerates 250 ms").isEqualTo("conclusive");
  }

  @Test
  void aTargetWhoseLoopWaitedForACpuForOnePercentOfThePhaseWasStarved() {
    // 80 + 70 ms of 5 s: 3%, enough to delay more than the 1% of requests beyond the p99
    Map<String, Object> d = Diagnosis.of(window(0, 0), null, target(second(1, 80, 100, 300, 0),
        second(3, 70, 100, 250, 0)));
    assertThat(d.get("verdict")).isEqualTo("inconclusive");
    assertThat(reasons(d)).singleElement().asString().contains("starved").contains("about 150 ms of 5 measured seconds")
        .contains("in 2 second(s)");
  }

  @Test
  void aLoopLateBecauseItsThreadIsBusyIsTheTargetsOwnCost() {
    Map<String, Object> busy = Diagnosis.of(window(0, 0), null, target(second(1, 80, 600, 300, 0),
        second(3, 70, 700, 250, 0)));
    assertThat(busy.get("verdict")).as("it ran longer than it waited").isEqualTo("conclusive");
    Map<String, Object> collecting = Diagnosis.of(window(0, 0), null, target(second(1, 80, 100, 300, 80),
        second(3, 70, 100, 250, 60)));
    assertThat(collecting.get("verdict")).as("its own garbage collection").isEqualTo("conclusive");
  }

  @Test
  void starvationUnderOnePercentOfThePhaseCannotMoveTheP99() {
    assertThat(Diagnosis.of(window(0, 0), null, target(second(2, 45, 100, 300, 0))).get("verdict"))
        .as("45 ms: under the 50 ms tolerance").isEqualTo("conclusive");
    assertThat(Diagnosis.of(window(0, 0), null, target(second(1, 25, 100, 300, 0), second(3, 22, 100, 300, 0)))
        .get("verdict")).as("two short stalls").isEqualTo("conclusive");
    assertThat(Diagnosis.of(window(0, 0), null, target(second(2, 60, 100, 300, 0)), 50, 50, null).get("verdict"))
        .as("one stall of 60 ms: 1.2% of 5 s").isEqualTo("inconclusive");
    assertThat(Diagnosis.of(window(0, 0), null, target(second(2, 55, 100, 300, 0)), 50, 50, null).get("verdict"))
        .as("55 ms of 5 s: 1.1%").isEqualTo("inconclusive");
    Map<String, Object> d = Diagnosis.of(window(0, 0), null, target(second(2, 130, 100, 400, 0)));
    assertThat(d.get("verdict")).as("one stall of 130 ms: 2.6%").isEqualTo("inconclusive");
    assertThat(Diagnosis.of(window(0, 0), null, target(second(2, 130, 100, 400, 0)), 50, 250, "a burst")
        .get("verdict")).as("a stampede tolerates 250 ms").isEqualTo("conclusive");
  }

  @Test
  void secondsOutsideTheMeasuredPhaseAreNotJudged() {
    Map<String, Object> before = second(-1, 500, 10, 900, 0);
    Map<String, Object> after = second(6, 500, 10, 900, 0);
    List<Map<String, Object>> seconds = new ArrayList<>(target().get(0).perSecond());
    seconds.add(0, before);
    seconds.add(after);
    Map<String, Object> d = Diagnosis.of(window(0, 0), null,
        List.of(new Diagnosis.TargetVitals("target", 1, seconds)));
    assertThat(d.get("verdict")).isEqualTo("conclusive");
  }
}
