package io.strategybench.cache;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cache capacity as a user writes it: {@code 1000} entries, {@code 64MiB} (or {@code 500KB}, {@code 2GB}:
 * bytes, each request weighted by its object's size), or {@code 5%} of the workload's footprint (of its distinct
 * keys, or of their bytes when the workload has sizes).
 *
 * @param value entries or bytes
 * @param bytes whether {@code value} is bytes
 */
public record Capacity(long value, boolean bytes) {
  private static final Pattern FORM = Pattern.compile(
      "(\\d+(?:\\.\\d+)?)\\s*(%|b|kb|kib|k|mb|mib|m|gb|gib|g|tb|tib)?", Pattern.CASE_INSENSITIVE);

  /** The forms accepted, for error messages. */
  public static final String FORMS = "a whole number of entries (1000), a size in bytes (64MiB, 500KB, 2GB) or a"
      + " share of the workload's footprint (5%)";

  /**
   * @param option the option's name, for the error message
   * @throws IllegalArgumentException naming the option, the value and the forms accepted
   */
  public static Capacity parse(String text, Trace trace, String option) {
    Matcher m = FORM.matcher(text.trim().replace("_", ""));
    if (!m.matches()) {
      throw new IllegalArgumentException(option + " must be " + FORMS + "; got '" + text + "'");
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    long value;
    boolean bytes;
    switch (unit) {
      case "" -> {
        if (number != Math.rint(number)) {
          throw new IllegalArgumentException(option + ": a number of entries must be whole; got '" + text + "'");
        }
        value = (long) number;
        bytes = false;
      }
      case "%" -> {
        bytes = trace.hasSizes();
        value = Math.round(trace.footprintBytes() * number / 100);
      }
      default -> {
        bytes = true;
        value = Math.round(number * multiplier(unit));
      }
    }
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be at least 1 " + (bytes ? "byte" : "entry") + "; got '"
          + text + "'" + (unit.equals("%") ? " (" + number + "% of " + trace.footprintBytes() + ")" : ""));
    }
    if (bytes && !trace.hasSizes()) {
      throw new IllegalArgumentException(option + " " + text + " is in bytes, but " + trace.name() + " has no object"
          + " sizes (only oracleGeneral traces do); give it in entries, like 1000, or as a share, like 5%");
    }
    return new Capacity(value, bytes);
  }

  private static long multiplier(String unit) {
    return switch (unit) {
      case "b" -> 1;
      case "kb", "k" -> 1000;
      case "kib" -> 1L << 10;
      case "mb", "m" -> 1000_000;
      case "mib" -> 1L << 20;
      case "gb", "g" -> 1000_000_000;
      case "gib" -> 1L << 30;
      case "tb" -> 1000_000_000_000L;
      case "tib" -> 1L << 40;
      default -> throw new IllegalStateException(unit);
    };
  }

  @Override
  public String toString() {
    return value + (bytes ? " bytes" : " entries");
  }
}
