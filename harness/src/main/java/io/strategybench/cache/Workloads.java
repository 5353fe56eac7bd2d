package io.strategybench.cache;

import io.strategybench.scenario.ZipfKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic request sequences, written {@code NAME:key=value,...}:
 *
 * <ul>
 *   <li>{@code zipf:s=0.99,keys=100000,requests=1000000}: key ranks from a Zipf distribution of exponent s;
 *   <li>{@code scan:requests=100000}: every request a new key, as a one-time sequential read (no policy can
 *       hit; what it does to a cache shows when it is mixed in);
 *   <li>{@code loop:keys=10000,requests=1000000}: keys 0..keys-1 over and over, LRU's worst case once the loop
 *       is larger than the cache;
 *   <li>{@code hotspot:keys=100000,hot=0.1,share=0.9,requests=1000000}: a share of the requests go to the hot
 *       fraction of the keys, uniformly, the rest to the others;
 *   <li>{@code zipf-scan:s=0.99,keys=100000,requests=1000000,scan-share=0.2,scan-length=10000}: Zipf requests
 *       interrupted by scans of scan-length new keys, so that scan-share of all requests are scans.
 * </ul>
 */
public final class Workloads {
  /** The workload names and their defaults. */
  private static final Map<String, Map<String, String>> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("zipf", params("s", "0.99", "keys", "100000", "requests", "1000000"));
    DEFAULTS.put("scan", params("requests", "100000"));
    DEFAULTS.put("loop", params("keys", "10000", "requests", "1000000"));
    DEFAULTS.put("hotspot", params("keys", "100000", "hot", "0.1", "share", "0.9", "requests", "1000000"));
    DEFAULTS.put("zipf-scan", params("s", "0.99", "keys", "100000", "requests", "1000000", "scan-share", "0.2",
        "scan-length", "10000"));
  }

  private Workloads() {}

  private static Map<String, String> params(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  public static List<String> names() {
    return List.copyOf(DEFAULTS.keySet());
  }

  /** The workload's spelled-out form with every default filled in, {@code zipf:s=0.99,keys=100000,...}. */
  public static String describe(String spec) {
    Parsed p = parse(spec);
    StringBuilder out = new StringBuilder(p.name).append(':');
    p.values.forEach((k, v) -> out.append(out.charAt(out.length() - 1) == ':' ? "" : ",").append(k).append('=')
        .append(v));
    return out.toString();
  }

  private record Parsed(String name, Map<String, String> values) {
    double real(String key, double min, double max) {
      String text = values.get(key);
      double v;
      try {
        v = Double.parseDouble(text);
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (!(v >= min && v <= max)) {
        throw new IllegalArgumentException("--workload " + name + ": " + key + " must be a number in " + min + ".."
            + max + ", got '" + text + "'");
      }
      return v;
    }

    int whole(String key, int min, int max) {
      String text = values.get(key).replace("_", "");
      long v;
      try {
        v = Long.parseLong(text);
      } catch (NumberFormatException e) {
        v = Long.MIN_VALUE;
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException("--workload " + name + ": " + key + " must be a whole number in " + min
            + ".." + max + ", got '" + values.get(key) + "'");
      }
      return (int) v;
    }
  }

  private static Parsed parse(String spec) {
    String text = spec.trim();
    int colon = text.indexOf(':');
    String name = (colon < 0 ? text : text.substring(0, colon)).toLowerCase(Locale.ROOT);
    Map<String, String> defaults = DEFAULTS.get(name);
    if (defaults == null) {
      throw new IllegalArgumentException("unknown workload '" + name + "'; valid workloads: "
          + String.join(", ", names()) + " (e.g. zipf:s=0.99,keys=100000,requests=1000000)");
    }
    Map<String, String> values = new LinkedHashMap<>(defaults);
    if (colon >= 0 && colon < text.length() - 1) {
      for (String pair : text.substring(colon + 1).split(",")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
        if (eq < 0 || !values.containsKey(key)) {
          throw new IllegalArgumentException("--workload " + name + ": '" + pair.trim() + "' is not one of its"
              + " parameters; " + name + " takes " + String.join(", ", defaults.keySet().stream()
                  .map(k -> k + "=" + defaults.get(k)).toList()));
        }
        values.put(key, pair.substring(eq + 1).trim());
      }
    }
    return new Parsed(name, values);
  }

  /** Generates the workload; the same spec and seed give the same requests. */
  public static Trace generate(String spec, long seed) {
    Parsed p = parse(spec);
    int requests = p.whole("requests", 1, TraceReader.MAX_REQUESTS);
    long[] keys = new long[requests];
    SplittableRandom random = new SplittableRandom(seed);
    switch (p.name) {
      case "zipf" -> {
        ZipfKeys zipf = new ZipfKeys(p.whole("keys", 1, 100_000_000), p.real("s", 0, 5), seed);
        for (int i = 0; i < requests; i++) {
          keys[i] = zipf.next();
        }
      }
      case "scan" -> {
        for (int i = 0; i < requests; i++) {
          keys[i] = i;
        }
      }
      case "loop" -> {
        int n = p.whole("keys", 1, 100_000_000);
        for (int i = 0; i < requests; i++) {
          keys[i] = i % n;
        }
      }
      case "hotspot" -> {
        int n = p.whole("keys", 2, 100_000_000);
        int hot = (int) Math.max(1, Math.min(n - 1, Math.round(n * p.real("hot", 0, 1))));
        double share = p.real("share", 0, 1);
        for (int i = 0; i < requests; i++) {
          keys[i] = random.nextDouble() < share ? random.nextInt(hot) : hot + random.nextInt(n - hot);
        }
      }
      case "zipf-scan" -> {
        int n = p.whole("keys", 1, 100_000_000);
        ZipfKeys zipf = new ZipfKeys(n, p.real("s", 0, 5), seed);
        double scanShare = p.real("scan-share", 0, 0.99);
        int scanLength = p.whole("scan-length", 1, requests);
        // after every (scanLength / scanShare - scanLength) Zipf requests, one scan of new keys
        long between = Math.max(1, Math.round(scanLength / Math.max(scanShare, 1e-9) - scanLength));
        long nextScanKey = n;
        int i = 0;
        while (i < requests) {
          for (long z = 0; z < between && i < requests; z++) {
            keys[i++] = zipf.next();
          }
          for (int s = 0; s < scanLength && i < requests && scanShare > 0; s++) {
            keys[i++] = nextScanKey++;
          }
        }
      }
      default -> throw new IllegalStateException(p.name);
    }
    return new Trace(describe(spec), keys, null);
  }
}
