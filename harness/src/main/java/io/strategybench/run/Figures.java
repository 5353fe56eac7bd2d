package io.strategybench.run;

import io.strategybench.server.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers for the figures families put in their results: rounding, reading nested maps, printing. */
public final class Figures {
  private Figures() {}

  /** Rounded to four decimals. */
  public static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }

  /** A whole number without its decimals, anything else as it prints. */
  public static String fmt(Object value) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return String.valueOf(n.longValue());
    }
    return String.valueOf(value);
  }

  /** {@code map.outer.inner...}, or null when a step is missing. */
  public static Object nested(Map<String, Object> map, String... path) {
    Object current = map;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  /** A number as a double; NaN when it is not one. */
  public static double asDouble(Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** A map of a value, as Jackson writes it: a record's components, in order. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> toMap(Object value) {
    return Json.MAPPER.convertValue(value, LinkedHashMap.class);
  }

  /** A map of a JSON value, or an empty one. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> asMap(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** Comma-separated. */
  public static String join(List<?> values) {
    return String.join(",", values.stream().map(String::valueOf).toList());
  }
}
