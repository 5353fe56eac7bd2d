package io.strategybench.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Map;

/**
 * A load rate as a suite states it: requests per second ({@code 600}), or a share of the capacity this machine
 * has for the family's load ({@code 40%}), found by a short ramp before the family's load runs
 * ({@link Calibration}). A share runs the same experiment on a laptop and on a small shared box.
 *
 * @param perSecond requests per second, or 0 for a share
 * @param share the share of the measured capacity, 0 to 1, or 0 for an absolute rate
 */
@SuiteFiles.Scalar("a rate: requests per second (600) or a share of the measured capacity (40%)")
public record Rate(double perSecond, double share) {
  public Rate {
    if (perSecond < 0 || share < 0 || (perSecond == 0) == (share == 0)) {
      throw new IllegalArgumentException("a rate is requests per second (600) or a share of the measured capacity"
          + " (40%), greater than 0");
    }
    if (share > 1) {
      throw new IllegalArgumentException("a rate's share of the measured capacity must be at most 100%, got "
          + format(share * 100) + "%");
    }
  }

  public static Rate perSecond(double rate) {
    return new Rate(rate, 0);
  }

  public static Rate share(double share) {
    return new Rate(0, share);
  }

  /** Reads {@code 600}, {@code 600.0} or {@code 40%}. */
  @JsonCreator
  public static Rate parse(Object value) {
    if (value instanceof Number n) {
      return perSecond(n.doubleValue());
    }
    String text = String.valueOf(value).trim();
    try {
      if (text.endsWith("%")) {
        return share(Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100);
      }
      return perSecond(Double.parseDouble(text));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a rate is requests per second (600) or a share of the measured capacity"
          + " (40%), got '" + text + "'");
    }
  }

  public boolean isShare() {
    return share > 0;
  }

  /** Records the rate in a family's workload: {@code rate} as stated, and {@code rateRps} when it is absolute. */
  public void putInto(Map<String, Object> workload) {
    workload.put("rate", json());
    if (!isShare()) {
      workload.put("rateRps", perSecond);
    }
  }

  /** The rate in requests per second, given this machine's capacity (ignored for an absolute rate). */
  public double resolve(double capacity) {
    return isShare() ? Math.max(1, Math.round(share * capacity)) : perSecond;
  }

  @JsonValue
  public Object json() {
    return isShare() ? format(share * 100) + "%" : perSecond;
  }

  @Override
  public String toString() {
    return isShare() ? format(share * 100) + "% of capacity" : format(perSecond) + "/s";
  }

  private static String format(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%s", value);
  }
}
