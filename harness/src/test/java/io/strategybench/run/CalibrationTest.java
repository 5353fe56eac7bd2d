package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The knee of a calibration ramp, found on seconds built for it; the rates a suite states; the calibration cache. */
class CalibrationTest {
  private static final long T0 = 1_800_000_000_000L;

  @TempDir
  Path temp;

  /** A ramp of 12 seconds from 100 to 1,300 req/s whose p99 is {@code p99[i]} ms in second i. */
  private static LoadWindow ramp(double... p99) {
    List<LoadWindow.Second> seconds = new ArrayList<>();
    for (int i = 0; i < p99.length; i++) {
      double offered = 100 + 1200 * (i + 0.5) / 12;
      Histogram latency = new Histogram(3);
      long count = Math.round(offered);
      latency.recordValueWithCount(5_000_000, count - count / 50);
      latency.recordValueWithCount(Math.round(p99[i] * 1_000_000), count / 50);
      seconds.add(new LoadWindow.Second(T0 + i * 1000L, T0 + (i + 1) * 1000L, latency, 0, 0, new Histogram(3)));
    }
    return LoadWindow.of(seconds);
  }

  @Test
  void theKneeIsTheLastSecondBeforeTwoInARowOverIt() {
    // baseline 10 ms: over the knee above 3x (30 ms); second 6 is a lone bad second, 8 and 9 are the knee
    var judged = Calibration.judge(ramp(10, 10, 10, 12, 15, 18, 45, 20, 60, 90, 120, 150), List.of(), 100, 1300);
    assertThat(judged.over).isTrue();
    assertThat(Math.round(judged.knee)).as("second 7's offered rate").isEqualTo(Math.round(100 + 1200 * 7.5 / 12));
    assertThat(judged.limitedBy).contains("p99");
  }

  @Test
  void aRampThatNeverBendsGivesItsLastRateAsALowerBound() {
    var judged = Calibration.judge(ramp(10, 10, 11, 10, 12, 11, 10, 12, 13, 11, 12, 12), List.of(), 100, 1300);
    assertThat(judged.over).isFalse();
    assertThat(Math.round(judged.knee)).isEqualTo(Math.round(100 + 1200 * 11.5 / 12));
    assertThat(judged.limitedBy).contains("at least");
  }

  @Test
  void aRateIsPerSecondOrAShareOfCapacity() {
    assertThat(Rate.parse(600).resolve(5000)).isEqualTo(600);
    assertThat(Rate.parse("40%").resolve(1309)).isEqualTo(524);
    assertThat(Rate.parse("40%").json()).isEqualTo("40%");
    assertThat(Rate.parse("12.5%").share()).isEqualTo(0.125);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rate.parse("fast"))
        .hasMessageContaining("requests per second (600) or a share of the measured capacity (40%)")
        .hasMessageContaining("'fast'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rate.parse("150%")).hasMessageContaining("at most 100%");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rate.parse(0)).hasMessageContaining("greater than 0");
  }

  @Test
  void aSuiteFileStatesARateEitherWayAndABadOneIsNamedWithItsLine() throws Exception {
    String quick = new String(SuiteFiles.class.getClassLoader().getResourceAsStream("suites/quick.yaml")
        .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    Suite suite = SuiteFiles.parse(quick, "quick.yaml");
    assertThat(suite.plan("hashing", io.strategybench.hashing.HashingPlan.class).rate().isShare()).isTrue();
    String broken = quick.replaceFirst("(?m)^  rate: 20%$", "  rate: twenty");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SuiteFiles.parse(broken, "broken.yaml"))
        .hasMessageContaining("broken.yaml").hasMessageMatching("(?s).*line \\d+: hashing.rate.*'twenty'.*");
  }

  @Test
  void aCalibrationIsReusedOnTheSameMachineWhileItIsAsBusyAsThen() {
    CalibrationCache cache = new CalibrationCache(temp);
    Calibration.Setup setup = new Calibration.Setup("lb", "round-robin", List.of("--family", "lb", "--hlog",
        "/some/where/server.hlog"), CalibrationTest.class, Map.of("clients", "1000"), 4000);
    Calibration.Setup elsewhere = new Calibration.Setup("lb", "round-robin", List.of("--family", "lb", "--hlog",
        "/another/place/server.hlog"), CalibrationTest.class, Map.of("clients", "1000"), 4000);
    assertThat(CalibrationCache.key(elsewhere)).as("paths do not matter").isEqualTo(CalibrationCache.key(setup));
    String key = CalibrationCache.key(setup);
    assertThat(cache.find(key, 0.1)).isNull();
    cache.store(key, Map.of("kneeRps", 1309, "measuredAt", java.time.Instant.now().toString(), "backgroundBusy", 0.05,
        "perSecond", List.of(1, 2, 3)));
    assertThat(cache.find(key, 0.15)).containsEntry("kneeRps", 1309).doesNotContainKey("perSecond");
    assertThat(cache.find(key, 0.6)).as("the machine is busier with other work than it was").isNull();
    assertThat(cache.find(key + "x", 0.05)).as("another set-up").isNull();
    cache.store(key, Map.of("kneeRps", 1309, "measuredAt", java.time.Instant.now().minusSeconds(25 * 3600)
        .toString(), "backgroundBusy", 0.05));
    assertThat(cache.find(key, 0.05)).as("older than a day").isNull();
  }
}
