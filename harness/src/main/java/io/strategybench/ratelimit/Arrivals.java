package io.strategybench.ratelimit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The requests a rate-limit simulation replays: times in nanoseconds from 0 on the virtual clock, in whole
 * microseconds, each with a client key, sorted by time.
 *
 * @param times arrival times, ascending
 * @param keys the client key of each arrival (indexes into {@code keyNames})
 * @param keyNames the distinct keys
 */
public record Arrivals(long[] times, int[] keys, List<String> keyNames) {
  /** The arrival patterns the simulator generates. */
  public static final List<String> PATTERNS = List.of("steady", "poisson", "burst", "boundary-burst");

  /** Most arrivals a simulation generates: they are held at once, 12 bytes each and as much again while merged. */
  public static final long MAX_ARRIVALS = 50_000_000L;

  /** Largest limit a simulation takes: the burst patterns send whole limits at once. */
  public static final long MAX_LIMIT = 1_000_000L;

  /**
   * About how many arrivals {@link #generate} makes: rate x keys x duration, but for {@code boundary-burst}, whose
   * arrivals come from the limit and the window (two limits every fourth window edge).
   */
  public static double expected(String pattern, long keyCount, double ratePerSecond, long durationNanos, long limit,
      long windowNanos) {
    if (pattern.equals("boundary-burst")) {
      double edges = windowNanos <= 0 ? 0 : Math.max(0, Math.floor((durationNanos - windowNanos) / (4.0 * windowNanos)) + 1);
      return keyCount * (1 + edges * 2 * limit);
    }
    return ratePerSecond * keyCount * durationNanos / 1e9;
  }

  /**
   * Arrival times are whole microseconds: the resolution of Redis's clock and of the Redis strategies'
   * scripts, so that the in-process and the Redis twins see the same times and the exact oracle judges
   * both at the resolution they keep.
   */
  static long micros(double nanos) {
    return (long) (nanos / 1000) * 1000;
  }

  public int size() {
    return times.length;
  }

  /**
   * Generates a pattern for {@code keyCount} clients, each at {@code ratePerSecond}, for {@code durationNanos}.
   *
   * <ul>
   *   <li>{@code steady}: evenly spaced, each client offset by a fraction of the gap.
   *   <li>{@code poisson}: exponential gaps (a Poisson process), from {@code seed}.
   *   <li>{@code burst}: bursts of twice the limit, all in one millisecond, as often as the rate allows.
   *   <li>{@code boundary-burst}: one request at 0 (it opens the first window), then every fourth window edge
   *       a full limit in the last 1% of the window before the edge and a full limit in the first 1% after it:
   *       the case where fixed windows admit twice the limit.
   * </ul>
   */
  public static Arrivals generate(String pattern, int keyCount, double ratePerSecond, long durationNanos,
      long limit, long windowNanos, long seed) {
    if (keyCount < 1) {
      throw new IllegalArgumentException("--keys must be at least 1, got " + keyCount);
    }
    if (!(ratePerSecond > 0) || !Double.isFinite(ratePerSecond)) {
      throw new IllegalArgumentException("--rate must be positive, got " + ratePerSecond);
    }
    List<long[]> perKey = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(seed);
    double gap = 1e9 / ratePerSecond;
    for (int k = 0; k < keyCount; k++) {
      LongList t = new LongList();
      switch (pattern) {
        case "steady" -> {
          for (double at = gap * k / keyCount; at < durationNanos; at += gap) {
            t.add(micros(at));
          }
        }
        case "poisson" -> {
          SplittableRandom r = random.split();
          for (double at = -gap * Math.log(1 - r.nextDouble()); at < durationNanos;
              at += -gap * Math.log(1 - r.nextDouble())) {
            t.add(micros(at));
          }
        }
        case "burst" -> {
          long size = 2 * limit;
          double every = gap * size;
          long spread = 1_000_000L;
          for (double at = every * k / keyCount; at < durationNanos; at += every) {
            for (int i = 0; i < size; i++) {
              t.add(micros(at + (double) spread * i / size));
            }
          }
        }
        case "boundary-burst" -> {
          t.add(0);
          long slice = Math.max(1, windowNanos / 100);
          for (long edge = windowNanos; edge + slice <= durationNanos; edge += 4 * windowNanos) {
            for (int i = 0; i < limit; i++) {
              t.add(micros(edge - slice + (double) slice * i / limit));
            }
            for (int i = 0; i < limit; i++) {
              t.add(micros(edge + (double) slice * i / limit));
            }
          }
        }
        default -> throw new IllegalArgumentException("--pattern must be one of " + String.join(", ", PATTERNS)
            + ", got '" + pattern + "'");
      }
      perKey.add(t.toArray());
    }
    List<String> names = new ArrayList<>();
    for (int k = 0; k < keyCount; k++) {
      names.add("client-" + k);
    }
    return merge(perKey, names);
  }

  /**
   * Reads arrivals from a file: one per line, a time in milliseconds (fractions allowed) and optionally a key
   * after a comma, tab or space. Blank lines and lines starting with # are skipped; times are shifted so the
   * first is 0 and must not go backwards.
   */
  public static Arrivals read(Path file) throws IOException {
    Map<String, Integer> index = new LinkedHashMap<>();
    LongList times = new LongList();
    List<Integer> keys = new ArrayList<>();
    int lineNo = 0;
    long first = Long.MIN_VALUE;
    long last = Long.MIN_VALUE;
    for (String line : Files.readAllLines(file)) {
      lineNo++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] parts = l.split("[,\\t ]+", 2);
      long nanos;
      try {
        nanos = Math.round(Double.parseDouble(parts[0]) * 1e3) * 1000; // whole microseconds, as generated ones
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": '" + parts[0]
            + "' is not a time in milliseconds; each line is MILLIS[,KEY]");
      }
      if (first == Long.MIN_VALUE) {
        first = nanos;
      }
      if (nanos < last) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": time " + parts[0]
            + " ms goes back before the line above; sort the file by time");
      }
      last = nanos;
      String key = parts.length > 1 ? parts[1].trim() : "client-0";
      keys.add(index.computeIfAbsent(key.isEmpty() ? "client-0" : key, k -> index.size()));
      times.add(nanos - first);
    }
    if (times.size == 0) {
      throw new IllegalArgumentException(file + ": no arrivals; each line is MILLIS[,KEY]");
    }
    return new Arrivals(times.toArray(), keys.stream().mapToInt(Integer::intValue).toArray(),
        List.copyOf(index.keySet()));
  }

  private static Arrivals merge(List<long[]> perKey, List<String> names) {
    int total = perKey.stream().mapToInt(a -> a.length).sum();
    long[] packed = new long[total];
    int[] keyOf = new int[total];
    long[][] pairs = new long[total][];
    int n = 0;
    for (int k = 0; k < perKey.size(); k++) {
      long[] ts = perKey.get(k);
      Arrays.sort(ts);
      for (long t : ts) {
        pairs[n++] = new long[] {t, k};
      }
    }
    Arrays.sort(pairs, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    for (int i = 0; i < total; i++) {
      packed[i] = pairs[i][0];
      keyOf[i] = (int) pairs[i][1];
    }
    return new Arrivals(packed, keyOf, List.copyOf(names));
  }

  /** A growable array of longs. */
  static final class LongList {
    long[] data = new long[64];
    int size;

    void add(long v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%d arrivals of %d keys", times.length, keyNames.size());
  }
}
