package io.strategybench.backend;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints durations written as a number and a unit: {@code 250us}, {@code 5ms}, {@code 1.5s}. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m)");

  private Durations() {}

  /**
   * @param what the option or field, for the error message
   * @throws IllegalArgumentException naming {@code what} and the expected form
   */
  public static long parseNanos(String text, String what) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(what + ": '" + text
          + "' is not a duration; write a number and a unit: ns, us, ms, s or m (e.g. 5ms, 1.5s)");
    }
    double value = Double.parseDouble(m.group(1));
    double factor = switch (m.group(2)) {
      case "ns" -> 1;
      case "us", "µs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      default -> 60e9;
    };
    return Math.round(value * factor);
  }

  /** Shortest exact-enough form: {@code 5ms}, {@code 1.5s}, {@code 250us}. */
  public static String format(long nanos) {
    if (nanos != 0 && nanos % 1_000_000_000L == 0) return nanos / 1_000_000_000L + "s";
    if (nanos >= 1_000_000_000L) return trim(nanos / 1e9) + "s";
    if (nanos >= 1_000_000L) return trim(nanos / 1e6) + "ms";
    if (nanos >= 1_000L) return trim(nanos / 1e3) + "us";
    return nanos + "ns";
  }

  private static String trim(double value) {
    String s = String.format(Locale.ROOT, "%.3f", value);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
