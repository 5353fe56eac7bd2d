package io.strategybench.hashing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a sharded cache's per-second counters around each node change: the hit ratio before it (mean of
 * the {@link #BEFORE} seconds before the change's second), the lowest hit ratio from that second until
 * the next change (the dip), and how many seconds after the change's second the hit ratio was back at
 * {@link #RECOVERED} of the level before, counted from the dip on: 0 when it never fell below that, null
 * when it did not come back before the next change or the end.
 */
public final class CacheTimeline {
  /** Seconds averaged for the level before a change. */
  public static final int BEFORE = 3;
  /** The fraction of the level before that counts as recovered. */
  public static final double RECOVERED = 0.95;

  private CacheTimeline() {}

  /** Hit ratio of each second; NaN for a second without requests. */
  public static double[] hitRatio(List<Long> requests, List<Long> hits) {
    double[] ratio = new double[requests.size()];
    for (int i = 0; i < ratio.length; i++) {
      long r = requests.get(i);
      ratio[i] = r == 0 ? Double.NaN : (double) hits.get(i) / r;
    }
    return ratio;
  }

  /**
   * One record per change: {@code atSeconds}, {@code change}, {@code hitRatioBefore}, {@code dipHitRatio},
   * {@code recoverySeconds}.
   *
   * @param changes each with {@code atSeconds} and {@code change}, in time order
   */
  public static List<Map<String, Object>> changes(double[] hitRatio, List<Map<String, Object>> changes) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int c = 0; c < changes.size(); c++) {
      double at = ((Number) changes.get(c).get("atSeconds")).doubleValue();
      int second = (int) Math.floor(at);
      int end = c + 1 < changes.size()
          ? (int) Math.floor(((Number) changes.get(c + 1).get("atSeconds")).doubleValue()) : hitRatio.length;
      end = Math.min(end, hitRatio.length);
      double sum = 0;
      int n = 0;
      for (int i = Math.max(0, second - BEFORE); i < second && i < hitRatio.length; i++) {
        if (!Double.isNaN(hitRatio[i])) {
          sum += hitRatio[i];
          n++;
        }
      }
      Map<String, Object> row = new LinkedHashMap<>(changes.get(c));
      Double before = n == 0 ? null : round(sum / n);
      double dip = Double.NaN;
      int dipAt = -1;
      for (int i = second; i < end; i++) {
        if (!Double.isNaN(hitRatio[i]) && (Double.isNaN(dip) || hitRatio[i] < dip)) {
          dip = hitRatio[i];
          dipAt = i;
        }
      }
      Integer recovery = null;
      if (before != null && dipAt >= 0) {
        if (dip >= RECOVERED * before) {
          recovery = 0; // it never fell below the threshold
        } else {
          for (int i = dipAt + 1; i < end; i++) {
            if (!Double.isNaN(hitRatio[i]) && hitRatio[i] >= RECOVERED * before) {
              recovery = i - second;
              break;
            }
          }
        }
      }
      row.put("hitRatioBefore", before);
      row.put("dipHitRatio", Double.isNaN(dip) ? null : round(dip));
      row.put("recoverySeconds", recovery);
      out.add(row);
    }
    return out;
  }

  private static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }
}
