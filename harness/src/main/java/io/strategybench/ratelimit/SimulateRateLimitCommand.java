package io.strategybench.ratelimit;

import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.Bench;
import io.strategybench.cli.StrategySelection;
import io.strategybench.cli.NanosConverter;
import io.strategybench.ratelimit.Arrivals;
import io.strategybench.ratelimit.RateLimitSimulationResult;
import io.strategybench.ratelimit.RateLimitSimulator;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.ratelimit.RedisForSimulation;
import io.strategybench.server.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** {@code bench simulate ratelimit}: accuracy at window edges, over-admission and state of each limiter. */
@Command(name = "ratelimit", header = "Simulate rate limiters: what each admits of an arrival pattern, judged by an exact sliding log.",
    description = {"",
        "Replays arrivals on a virtual clock through every chosen strategy with the same --limit per --window and "
            + "reports: admitted, rejected and delayed requests; the most admitted for one key in any window of the "
            + "limit's length (exact, sliding) and how far that is over the limit; false admits and false rejects "
            + "against an exact sliding log run beside it; and bytes of state per key (JOL, or Redis MEMORY USAGE). "
            + "Admitted requests are served for --service-time, so concurrency limiters see requests finish.",
        "",
        "Patterns: steady (even gaps), poisson, burst (bursts of twice the limit in 1 ms), boundary-burst (a full "
            + "limit just before a window edge and another just after; the first request at 0 opens the window). "
            + "--arrivals FILE replays real traffic instead: one line per request, MILLIS[,KEY].",
        "",
        "Redis-backed strategies run on the virtual clock too (time=caller); without --redis a private redis-server "
            + "is started for the run when one is installed.",
        ""})
public final class SimulateRateLimitCommand extends FamilyCommand.Simulate {
  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Requests admitted per window.")
  long limit;

  @Option(names = "--window", paramLabel = "DURATION", defaultValue = "1s", converter = NanosConverter.class,
      description = "The limit's window (1s, 500ms, 1m; whole milliseconds).")
  long windowNanos;

  @Option(names = "--pattern", paramLabel = "NAME", defaultValue = "boundary-burst",
      description = "Arrival pattern: steady, poisson, burst or boundary-burst.")
  String pattern;

  @Option(names = "--rate", paramLabel = "R|Kx", defaultValue = "2x",
      description = "Requests per second per key for steady, poisson and burst: a number, or a multiple of the"
          + " limit's rate written like 2x.")
  String rate;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", converter = NanosConverter.class,
      description = "Virtual time the pattern covers.")
  long durationNanos;

  @Option(names = "--keys", paramLabel = "N", defaultValue = "1", description = "Client keys, each at --rate.")
  int keys;

  @Option(names = "--arrivals", paramLabel = "FILE",
      description = "Replay this file instead of a pattern: one request per line, MILLIS[,KEY] (sorted by time).")
  Path arrivalsFile;

  @Option(names = "--service-time", paramLabel = "DURATION", defaultValue = "20ms", converter = NanosConverter.class,
      description = "How long an admitted request is served (concurrency limiters count it in flight meanwhile).")
  long serviceNanos;

  @Option(names = "--capacity", paramLabel = "N", defaultValue = "16",
      description = "Requests of one key served at full speed at once; more slow every one down in proportion.")
  int capacity;

  @Option(names = "--redis", paramLabel = "URI", showDefaultValue = Visibility.NEVER,
      description = "Redis server for the redis-* strategies (default: a private redis-server started for the run).")
  String redis;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seeds the poisson pattern and the strategies.")
  long seed;

  @Override
  public Integer call() throws Exception {
    var chosen = StrategySelection.resolve(registry(), RateLimiter.FAMILY, options.strategies, options.params);
    if (limit < 1 || limit > Arrivals.MAX_LIMIT) {
      throw new IllegalArgumentException("--limit must be 1.." + Arrivals.MAX_LIMIT + ", got " + limit);
    }
    long windowMillis = windowNanos / 1_000_000L;
    if (windowMillis < 1 || windowNanos % 1_000_000L != 0) {
      throw new IllegalArgumentException("--window must be a positive whole number of milliseconds, like 1s or"
          + " 250ms");
    }
    if (durationNanos <= 0) {
      throw new IllegalArgumentException("--duration must be positive, got " + durationNanos + " ns");
    }
    if (serviceNanos <= 0 || capacity < 1) {
      throw new IllegalArgumentException("--service-time must be positive and --capacity at least 1");
    }
    Arrivals arrivals;
    String patternName;
    if (arrivalsFile != null) {
      arrivals = Arrivals.read(arrivalsFile);
      patternName = "file:" + arrivalsFile.getFileName();
    } else {
      double perSecond = ratePerSecond(rate, limit, windowMillis);
      long expected = (long) Arrivals.expected(pattern, keys, perSecond, durationNanos, limit, windowNanos);
      if (expected > Arrivals.MAX_ARRIVALS) {
        throw new IllegalArgumentException("--rate x --keys x --duration asks for about " + expected
            + " requests" + (pattern.equals("boundary-burst") ? " (boundary-burst: two --limit every fourth window)"
            : "") + "; keep it under 50 million");
      }
      arrivals = Arrivals.generate(pattern, keys, perSecond, durationNanos, limit, windowNanos, seed);
      patternName = pattern;
    }
    boolean anyRemote = chosen.stream().anyMatch(c -> RedisForSimulation.needsRedis(c.descriptor()));
    List<RateLimitSimulationResult> results = new ArrayList<>();
    try (RedisForSimulation server = anyRemote ? RedisForSimulation.open(redis) : null) {
      for (var strategy : chosen) {
        progress("simulating %s on %s...", strategy.descriptor().name(), arrivals);
        results.add(RateLimitSimulator.run(strategy.descriptor(), strategy.params(), limit, windowMillis, arrivals,
            patternName, new RateLimitSimulator.Service(serviceNanos, capacity), seed,
            server == null ? null : server.uri()));
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("pattern", patternName);
    doc.put("limit", limit);
    doc.put("windowMillis", windowMillis);
    doc.put("seed", seed);
    return print(doc, results, table -> printTable(table, results));
  }

  /** {@code 250} requests per second, or {@code 2x} the limit's rate. */
  static double ratePerSecond(String text, long limit, long windowMillis) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    double value;
    try {
      value = t.endsWith("x") ? Double.parseDouble(t.substring(0, t.length() - 1)) * limit * 1000.0 / windowMillis
          : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException("--rate must be a positive number of requests per second or a multiple"
          + " of the limit like 2x, got '" + text + "'");
    }
    return value;
  }

  static void printTable(PrintWriter out, List<RateLimitSimulationResult> results) {
    out.printf("%-28s %-15s %9s %9s %9s %8s %14s %8s %12s %12s %12s %9s%n", "strategy", "pattern", "arrivals",
        "admitted", "rejected", "delayed", "max/window", "over %", "false adm.", "false rej.", "bytes/key",
        "inflight");
    for (RateLimitSimulationResult r : results) {
      out.printf(Locale.ROOT, "%-28s %-15s %9d %9d %9d %8d %8d / %-4d %8.1f %12d %12d %12.1f %9d%n", r.strategy(),
          r.pattern(), r.arrivals(), r.admitted(), r.rejected(), r.delayed(), r.maxAdmittedInWindow(), r.limit(),
          r.overAdmission() * 100, r.falseAdmits(), r.falseRejects(), r.stateBytesPerKey(), r.maxInFlight());
    }
  }
}
