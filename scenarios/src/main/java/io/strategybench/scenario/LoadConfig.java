package io.strategybench.scenario;

import java.util.Locale;

/**
 * Every knob of a load simulation, read once from system properties with defaults, so the harness (or a
 * person running Gatling by hand) sets them with {@code -Dname=value}.
 *
 * <ul>
 *   <li>{@code target.url}: base URL of the target server (default {@code http://127.0.0.1:8080})
 *   <li>{@code rate}: requests per second in the measured phase (default 200)
 *   <li>{@code duration}: seconds of the measured phase (default 10)
 *   <li>{@code warmup}: seconds of warm-up ramping up to the rate, not measured; the target is reset after it (default 2)
 *   <li>{@code profile}: {@code constant} rate, or {@code ramp} from {@code ramp.from} up to it (default constant)
 *   <li>{@code ramp.from}: where a ramp starts, requests per second (default a tenth of the rate)
 *   <li>{@code warmup.rate}: the rate the warm-up ramps up to (default the rate; a calibration ramp warms up at the
 *       rate its ramp starts from)
 *   <li>{@code reset.urls}: comma-separated base URLs of further targets the reset that ends the warm-up resets
 *       too (the instances behind a front load balancer); none by default
 *   <li>{@code clients}: distinct client addresses sent in {@code X-Forwarded-For} (default 1000)
 *   <li>{@code sessions}: distinct sessions sent in the session header (default 200)
 *   <li>{@code session.header}: the session header's name (default {@code X-Session})
 *   <li>{@code path}: the path requested (default {@code /})
 *   <li>{@code keys}: distinct keys a cache simulation reads (default 10000)
 *   <li>{@code zipf}: skew of the key popularity, Zipf's exponent s; 0 is uniform (default 0.99)
 *   <li>{@code seed}: seeds the feeders (default 1)
 *   <li>{@code hlog}: file for the client latency log (HdrHistogram, nanoseconds, one interval a second); none by default
 *   <li>{@code scenario}: the cache family's scenario: steady, stampede, penetration, avalanche or conditional
 *       (default steady)
 *   <li>{@code writes}: share of the steady scenario's requests that write (default 0)
 *   <li>{@code hot.key}, {@code hot.rate}, {@code burst}, {@code burst.at}: stampede: the hot key (0), its steady
 *       readers per second (20), the readers arriving at once (1000) and when, in seconds into the measured
 *       phase (2.2)
 *   <li>{@code missing}: penetration: distinct keys that do not exist, read in turn (200), numbered from
 *       {@code keys}
 *   <li>{@code warmup.health}: the warm-up reads {@code /_/health} instead of keys: it warms the generator and the
 *       server's HTTP path and leaves the cache cold (a cold start's warm-up; default false)
 *   <li>{@code fill.rate}: avalanche: reads per second of the warm-up that fills every key once (2000)
 * </ul>
 */
public final class LoadConfig {
  public final String targetUrl = System.getProperty("target.url", "http://127.0.0.1:8080");
  public final double rate = positive("rate", Double.parseDouble(System.getProperty("rate", "200")));
  public final int duration = (int) positive("duration", Integer.getInteger("duration", 10));
  public final int warmup = Integer.getInteger("warmup", 2);
  public final String profile = System.getProperty("profile", "constant").toLowerCase(Locale.ROOT);
  public final double rampFrom = Double.parseDouble(System.getProperty("ramp.from", String.valueOf(rate / 10)));
  public final double warmupRate = positive("warmup.rate",
      Double.parseDouble(System.getProperty("warmup.rate", String.valueOf(rate))));
  public final java.util.List<String> resetUrls = java.util.Arrays.stream(System.getProperty("reset.urls", "")
      .split(",")).map(String::trim).filter(u -> !u.isEmpty()).toList();
  public final int clients = (int) positive("clients", Integer.getInteger("clients", 1000));
  public final int sessions = (int) positive("sessions", Integer.getInteger("sessions", 200));
  public final String sessionHeader = System.getProperty("session.header", "X-Session");
  public final String path = System.getProperty("path", "/");
  public final int keys = (int) positive("keys", Integer.getInteger("keys", 10_000));
  public final double zipf = Double.parseDouble(System.getProperty("zipf", "0.99"));
  public final long seed = Long.getLong("seed", 1L);
  public final String hlog = System.getProperty("hlog", "");
  /** Rate limiting: well-behaved clients, each at {@link #goodRate} requests per second. */
  public final int goodClients = (int) positive("good.clients", Integer.getInteger("good.clients", 20));
  public final double goodRate = positive("good.rate", Double.parseDouble(System.getProperty("good.rate", "5")));
  /** Rate limiting: abusive clients, each at {@link #abusiveRate} requests per second (0 clients: none). */
  public final int abusiveClients = Integer.getInteger("abusive.clients", 3);
  public final double abusiveRate = positive("abusive.rate", Double.parseDouble(System.getProperty("abusive.rate", "100")));
  /** Caching: which scenario, and its knobs. */
  public final String scenario = System.getProperty("scenario", "steady").toLowerCase(Locale.ROOT);
  public final double writes = Double.parseDouble(System.getProperty("writes", "0"));
  public final long hotKey = Long.getLong("hot.key", 0L);
  public final double hotRate = positive("hot.rate", Double.parseDouble(System.getProperty("hot.rate", "20")));
  public final int burst = (int) positive("burst", Integer.getInteger("burst", 1000));
  public final double burstAt = Double.parseDouble(System.getProperty("burst.at", "2.2"));
  public final int missing = (int) positive("missing", Integer.getInteger("missing", 200));
  public final boolean warmupOnHealth = Boolean.getBoolean("warmup.health");
  public final double fillRate = positive("fill.rate", Double.parseDouble(System.getProperty("fill.rate", "2000")));

  public LoadConfig() {
    if (!profile.equals("constant") && !profile.equals("ramp")) {
      throw new IllegalArgumentException("profile must be constant or ramp, got '" + profile + "'");
    }
    if (!(rampFrom >= 0 && rampFrom <= rate)) {
      throw new IllegalArgumentException("ramp.from must be 0 to the rate (" + rate + "), got " + rampFrom);
    }
    if (!(zipf >= 0 && zipf <= 5)) {
      throw new IllegalArgumentException("zipf must be 0..5, got " + zipf);
    }
    if (abusiveClients < 0) {
      throw new IllegalArgumentException("abusive.clients must not be negative, got " + abusiveClients);
    }
    if (warmup < 0) {
      throw new IllegalArgumentException("warmup must not be negative");
    }
    if (!(writes >= 0 && writes <= 1)) {
      throw new IllegalArgumentException("writes must be a share 0..1, got " + writes);
    }
    if (!(burstAt >= 0)) {
      throw new IllegalArgumentException("burst.at must not be negative, got " + burstAt);
    }
  }

  /** HTTP to the target as every simulation sends it: shared keep-alive connections, no caching, no warm-up call. */
  public io.gatling.javaapi.http.HttpProtocolBuilder protocol() {
    return io.gatling.javaapi.http.HttpDsl.http
        .baseUrl(targetUrl)
        .shareConnections()
        .disableWarmUp()
        .disableCaching()
        .acceptHeader("*/*")
        .userAgentHeader("StrategyBench/Gatling");
  }

  /** The measured phase's arrivals: the rate for the duration, or a ramp up to it (the {@code profile}). */
  public Injection measured() {
    return profile.equals("ramp") ? Injection.ramp(rampFrom, rate, duration) : Injection.constant(rate, duration);
  }

  /** A warm-up of {@code seconds}: half ramps up to the warm-up rate from a tenth of it, half holds it. */
  public Injection[] warmupAtRate(int seconds) {
    if (seconds < 2) {
      return new Injection[] {Injection.constant(warmupRate, seconds)};
    }
    return new Injection[] {Injection.ramp(warmupRate / 10, warmupRate, seconds / 2),
        Injection.constant(warmupRate, seconds - seconds / 2)};
  }

  /** A warm-up of {@code seconds} ramping up to the warm-up rate from a tenth of it. */
  public Injection warmupRamp(int seconds) {
    return Injection.ramp(warmupRate / 10, warmupRate, seconds);
  }

  /**
   * A knob of one simulation that this class does not list: {@code -Dname=value}, or {@code fallback}. A
   * simulation reads its own knobs so that a new family adds none here.
   */
  public static String property(String name, String fallback) {
    return System.getProperty(name, fallback);
  }

  /** A positive whole-number knob of one simulation ({@link #property}). */
  public static int positiveInt(String name, int fallback) {
    try {
      return (int) positive(name, Integer.parseInt(System.getProperty(name, String.valueOf(fallback)).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + System.getProperty(name) + "'");
    }
  }

  /** A number knob of one simulation within {@code min..max} ({@link #property}). */
  public static double number(String name, double fallback, double min, double max) {
    double value;
    try {
      value = Double.parseDouble(System.getProperty(name, String.valueOf(fallback)).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + System.getProperty(name) + "'");
    }
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(name + " must be " + min + " to " + max + ", got " + value);
    }
    return value;
  }

  private static double positive(String name, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return "target=" + targetUrl + " rate=" + rate + "/s duration=" + duration + "s warmup=" + warmup
        + "s profile=" + profile + " clients=" + clients + " sessions=" + sessions;
  }
}
