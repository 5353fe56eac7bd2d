package io.strategybench.cache;

import io.strategybench.results.RunResults.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The caching family's checks on its scenario runs: each protection against its absence in the same suite run,
 * and each scenario against what it was meant to provoke (a stampede that did not reach the origin unprotected
 * proves nothing about the protections).
 */
final class CacheChecks {
  private CacheChecks() {}

  static List<Check> of(Map<String, Object> scenarios) {
    List<Check> checks = new ArrayList<>();
    Map<String, Map<String, Object>> stampede = byVariant(scenarios.get("stampede"));
    Map<String, String> stampedeSteps = steps(scenarios.get("stampede"));
    Double unprotected = num(stampede.get("none"), "watchedKey.originReads");
    Double burst = 1000.0;
    if (unprotected != null) {
      checks.add(new Check("stampede without protection: the burst of readers reached the origin", "load",
          unprotected >= burst / 2, unprotected, ">= " + (int) (burst / 2) + " origin reads of the hot key")
          .margin("half the burst: readers arriving after the first origin read lands (500 ms) find the key fresh")
          .on(of(stampedeSteps, "none")));
    }
    for (String p : List.of("single-flight", "lock-stale")) {
      Double reads = num(stampede.get(p), "watchedKey.originReads");
      if (reads != null) {
        checks.add(new Check("stampede with " + p + ": 1,000 concurrent misses of the expired hot key cost one"
            + " origin read", "load", reads <= 1, reads, "<= 1")
            .margin("none: coalescing is an invariant, whenever the readers arrive"));
      }
    }
    Double xfetch = num(stampede.get("xfetch"), "watchedKey.originReads");
    if (xfetch != null && unprotected != null) {
      checks.add(new Check("stampede with XFetch: the hot key was refreshed before the burst, far fewer origin"
          + " reads than without", "load", xfetch < unprotected / 2, xfetch, "< half of " + unprotected.intValue())
          .margin("half the unprotected run's, in the same suite run").on(of(stampedeSteps, "none", "xfetch")));
    }

    Map<String, Map<String, Object>> penetration = byVariant(scenarios.get("penetration"));
    Map<String, String> penetrationSteps = steps(scenarios.get("penetration"));
    Double missingReads = num(penetration.get("none"), "origin.missingReads");
    Double reads = num(penetration.get("none"), "reads");
    if (missingReads != null && reads != null) {
      // every measured read is of a missing key, and the measured phase starts after the warm-up's last answer
      checks.add(new Check("penetration without protection: every read of a missing key went to the origin", "load",
          missingReads >= reads - shed(penetration.get("none")), missingReads, "== " + reads.intValue()
              + " reads (less any the origin shed)")
          .margin("none but reads the origin's full queue turned away (503, counted as errors)")
          .on(of(penetrationSteps, "none")));
    }
    Double negative = num(penetration.get("negative-cache"), "origin.missingReads");
    double missing = missingKeys(scenarios.get("penetration"));
    if (negative != null) {
      // A missing key's 404 is cached like any entry, so the policy may refuse it at first (W-TinyLFU admits a
      // key once it has been seen often enough), and a read arriving while the first origin read is in flight
      // goes to the origin too: the first reads of each key may reach the origin, none once it is cached.
      Object perSecond = originPerSecond(penetration.get("negative-cache"));
      double last = perSecond instanceof List<?> l && !l.isEmpty() && l.get(l.size() - 1) instanceof Number n
          ? n.doubleValue() : Double.NaN;
      double most = missingReads == null ? 2 * missing : missingReads / 2;
      checks.add(new Check("penetration with negative caching: missing keys reach the origin on their first reads,"
          + " then never", "load", negative <= most && last == 0, negative, "<= " + Math.round(most)
          + " in all (half the unprotected run's, " + (long) missing + " missing keys) and 0 in the last second"
          + " (got " + (Double.isNaN(last) ? "none" : String.valueOf((long) last)) + ")")
          .margin("each missing key is read about 10 times; its first reads may reach the origin while the policy"
              + " has not yet admitted its negative entry")
          .on(of(penetrationSteps, "none", "negative-cache")));
    }
    Double bloom = num(penetration.get("bloom"), "origin.missingReads");
    Double bloomReads = num(penetration.get("bloom"), "reads");
    if (bloom != null && bloomReads != null) {
      checks.add(new Check("penetration with a Bloom filter: missing keys barely reach the origin", "load",
          bloom <= 0.01 * bloomReads, bloom, "<= 1% of " + bloomReads.intValue() + " reads (0.1% false positives)")
          .margin("ten times the filter's false-positive rate"));
    }

    Map<String, Map<String, Object>> avalanche = byVariant(scenarios.get("avalanche"));
    Map<String, String> avalancheSteps = steps(scenarios.get("avalanche"));
    Double together = num(avalanche.get("none"), "origin.peakPerSecond");
    Double jittered = num(avalanche.get("jitter"), "origin.peakPerSecond");
    if (together != null && jittered != null) {
      checks.add(new Check("avalanche: a jittered TTL lowers the origin's peak (requests in any second)", "load",
          jittered < together, jittered, "< " + together.intValue() + " without jitter")
          .margin("any drop, against the unjittered run of the same suite run")
          .on(of(avalancheSteps, "none", "jitter")));
    }
    Map<String, Map<String, Object>> restart = byVariant(scenarios.get("restart"));
    Map<String, String> restartSteps = steps(scenarios.get("restart"));
    Double cold = num(restart.get("cold"), "origin.peakPerSecond");
    Double preload = num(restart.get("preload"), "origin.peakPerSecond");
    if (cold != null && preload != null) {
      checks.add(new Check("cold start: preloading the hot keys lowers the origin's peak", "load", preload < cold,
          preload, "< " + cold.intValue() + " without preload")
          .margin("any drop, against the cold run of the same suite run").on(of(restartSteps, "cold", "preload")));
    }

    Map<String, Map<String, Object>> writes = byVariant(scenarios.get("writeStrategies"));
    Double stale = num(writes.get("write-through"), "staleReads");
    if (stale != null) {
      checks.add(new Check("write-through: no stale read after an acknowledged write", "load", stale == 0, stale,
          "== 0").margin("none: an invariant of the write strategy"));
    }
    Map<String, Map<String, Object>> conditional = byVariant(scenarios.get("conditional"));
    Double notModified = num(conditional.get("if-none-match"), "notModified");
    Double requests = num(conditional.get("if-none-match"), "reads");
    if (notModified != null && requests != null) {
      checks.add(new Check("conditional requests: an unchanged key answers 304 from the cache", "load",
          notModified >= 0.45 * requests, notModified, ">= 45% of " + requests.intValue()
              + " reads (half of them carry If-None-Match)")
          .margin("5 points below half: a key the cache evicted between the two reads of a pair answers 200"));
    }
    return checks;
  }

  /** The origin reads a variant's origin turned away (its queue full), which never reached it. */
  private static double shed(Map<String, Object> cache) {
    Double shed = num(cache, "origin.shed");
    return shed == null ? 0 : shed;
  }

  /** The load steps of a scenario's variants, by variant. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> steps(Object list) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (list instanceof List<?> entries) {
      for (Object o : entries) {
        Map<String, Object> entry = (Map<String, Object>) o;
        if (entry.get("load") instanceof Map<?, ?> load && load.get("step") != null) {
          out.put(String.valueOf(entry.get("variant")), String.valueOf(load.get("step")));
        }
      }
    }
    return out;
  }

  private static List<String> of(Map<String, String> steps, String... variants) {
    List<String> out = new ArrayList<>();
    for (String v : variants) {
      if (steps.containsKey(v)) {
        out.add(steps.get(v));
      }
    }
    return out;
  }

  /** How many missing keys the penetration runs read (200 unless the cache was small). */
  @SuppressWarnings("unchecked")
  private static double missingKeys(Object list) {
    if (list instanceof List<?> entries && !entries.isEmpty()
        && ((Map<String, Object>) entries.get(0)).get("gatling") instanceof Map<?, ?> gatling
        && gatling.get("missing") != null) {
      return Double.parseDouble(String.valueOf(gatling.get("missing")));
    }
    return 200;
  }

  /** The scenario's variants by name, each its cache figures. */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> byVariant(Object list) {
    Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
    if (list instanceof List<?> entries) {
      for (Object o : entries) {
        Map<String, Object> entry = (Map<String, Object>) o;
        if (entry.get("load") instanceof Map<?, ?> load && load.get("cache") instanceof Map<?, ?> cache) {
          out.put(String.valueOf(entry.get("variant")), (Map<String, Object>) cache);
        }
      }
    }
    return out;
  }

  private static Double num(Map<String, Object> root, String path) {
    return io.strategybench.report.ReportWriter.num(root, path);
  }

  /** A variant's origin requests in each measured second, or null. */
  private static Object originPerSecond(Map<String, Object> cache) {
    Object perSecond = cache == null ? null : cache.get("perSecond");
    return perSecond instanceof Map<?, ?> m ? m.get("originRequests") : null;
  }
}
