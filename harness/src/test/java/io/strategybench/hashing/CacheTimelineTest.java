package io.strategybench.hashing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheTimelineTest {
  private static Map<String, Object> change(double at, String what) {
    return Map.of("atSeconds", at, "change", what);
  }

  @Test
  void findsTheDipAndTheSecondsToRecoverAfterEachChange() {
    // second:            0    1    2    3    4    5    6    7    8    9
    List<Long> requests = List.of(100L, 100L, 100L, 100L, 100L, 100L, 100L, 100L, 100L, 100L);
    List<Long> hits = List.of(80L, 80L, 80L, 50L, 70L, 77L, 80L, 20L, 40L, 60L);
    double[] ratio = CacheTimeline.hitRatio(requests, hits);
    List<Map<String, Object>> rows = CacheTimeline.changes(ratio, List.of(change(3.2, "added n9"),
        change(7.5, "removed n5")));
    assertThat(rows.get(0)).containsEntry("change", "added n9").containsEntry("hitRatioBefore", 0.8)
        .containsEntry("dipHitRatio", 0.5)
        .containsEntry("recoverySeconds", 2); // 0.77 >= 0.95 * 0.8 = 0.76 two seconds after second 3
    // Before the second change: seconds 4..6 average (0.70 + 0.77 + 0.80) / 3; never back to 95% of it.
    assertThat(rows.get(1)).containsEntry("hitRatioBefore", 0.7567).containsEntry("dipHitRatio", 0.2)
        .containsEntry("recoverySeconds", null);
  }

  @Test
  void aChangeThatCostsNothingRecoversInZeroSecondsAndEmptySecondsAreSkipped() {
    double[] ratio = CacheTimeline.hitRatio(List.of(10L, 0L, 10L, 10L), List.of(9L, 0L, 9L, 9L));
    assertThat(ratio[1]).isNaN();
    Map<String, Object> row = CacheTimeline.changes(ratio, List.of(change(2.0, "added n2"))).get(0);
    assertThat(row).containsEntry("hitRatioBefore", 0.9).containsEntry("dipHitRatio", 0.9)
        .containsEntry("recoverySeconds", 0);
  }
}
