package io.strategybench.ratelimit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One limit an API gateway applies: requests under {@code route} (a path prefix), of clients on
 * {@code plan} (any plan when null), keyed by {@code key}, at most {@code limit} per {@code windowMillis}.
 * A request must be admitted by every rule that applies to it.
 *
 * <p>Written on the command line as {@code name=user,route=/api/user,plan=free,key=header:X-Api-Key,
 * limit=100,window=1m}; every field but {@code limit} has a default.
 */
public record RateLimitRule(String name, String route, String plan, KeySource key, long limit, long windowMillis) {
  /** The fields a rule may have, for error messages. */
  public static final List<String> FIELDS = List.of("name", "route", "plan", "key", "limit", "window");

  public RateLimitRule {
    if (limit < 1) {
      throw new IllegalArgumentException("rule '" + name + "': limit must be a whole number of at least 1, got "
          + limit);
    }
    if (windowMillis < 1) {
      throw new IllegalArgumentException("rule '" + name + "': window must be positive, like 1s, 500ms or 1m, got "
          + windowMillis + " ms");
    }
  }

  /** Whether the rule applies to a request for {@code path} from a client on {@code requestPlan}. */
  public boolean appliesTo(String path, String requestPlan) {
    return path.startsWith(route) && (plan == null || plan.equals(requestPlan));
  }

  /** The rule's spec, as it would be written on the command line. */
  public String spec() {
    return "name=" + name + ",route=" + route + (plan == null ? "" : ",plan=" + plan) + ",key=" + key
        + ",limit=" + limit + ",window=" + windowMillis + "ms";
  }

  /**
   * Parses a rule written as comma-separated {@code field=value} pairs.
   *
   * @param index the rule's position (from 1), for its default name
   * @param defaultLimit the limit when the rule names none
   * @param defaultWindowMillis the window when the rule names none
   * @throws IllegalArgumentException naming the rule and the field, and what would be valid
   */
  public static RateLimitRule parse(String spec, int index, long defaultLimit, long defaultWindowMillis) {
    Map<String, String> fields = new LinkedHashMap<>();
    String provisional = "rule" + index;
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("rule '" + spec + "': '" + p + "' is not field=value; fields are "
            + String.join(", ", FIELDS));
      }
      String field = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("rule '" + fields.getOrDefault("name", provisional) + "': unknown field '"
            + field + "'; fields are " + String.join(", ", FIELDS));
      }
      fields.put(field, p.substring(eq + 1).trim());
    }
    String name = fields.getOrDefault("name", provisional);
    if (name.isEmpty() || !name.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("rule '" + name + "': name must be letters, digits, '.', '_' or '-'");
    }
    String route = fields.getOrDefault("route", "/");
    if (!route.startsWith("/")) {
      throw new IllegalArgumentException("rule '" + name + "': route must be a path prefix starting with /, got '"
          + route + "'");
    }
    String plan = fields.get("plan");
    String keyText = fields.getOrDefault("key", "header:X-Api-Key");
    KeySource key = KeySource.parse(keyText);
    if (key == null) {
      throw new IllegalArgumentException("rule '" + name + "': key '" + keyText + "' is not a key source; use "
          + KeySource.FORMS);
    }
    long limit = defaultLimit;
    if (fields.containsKey("limit")) {
      try {
        limit = Long.parseLong(fields.get("limit"));
      } catch (NumberFormatException e) {
        limit = 0;
      }
      if (limit < 1) {
        throw new IllegalArgumentException("rule '" + name + "': limit must be a whole number of at least 1, got '"
            + fields.get("limit") + "'");
      }
    }
    long window = defaultWindowMillis;
    if (fields.containsKey("window")) {
      window = parseMillis(fields.get("window"));
      if (window < 1) {
        throw new IllegalArgumentException("rule '" + name + "': window must be positive, like 1s, 500ms or 1m, got '"
            + fields.get("window") + "'");
      }
    }
    return new RateLimitRule(name, route, plan == null || plan.isEmpty() ? null : plan, key, limit, window);
  }

  /** {@code 250ms}, {@code 1s}, {@code 1m}, {@code 1h} or a bare number of milliseconds; -1 when unreadable. */
  static long parseMillis(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("ms")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
      unit = 1000;
    } else if (t.endsWith("m")) {
      t = t.substring(0, t.length() - 1);
      unit = 60_000;
    } else if (t.endsWith("h")) {
      t = t.substring(0, t.length() - 1);
      unit = 3_600_000;
    }
    try {
      double value = Double.parseDouble(t);
      return value > 0 && Double.isFinite(value) ? Math.round(value * unit) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
