package io.strategybench.ratelimit;

import io.strategybench.cli.OptionTable;
import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.Bench;
import io.strategybench.cli.StrategySelection;
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
public final class SimulateRateLimitCommand extends FamilyCommand.Simulate implements OptionTable.Host {
  private final OptionTable.Bound<RateLimitSimulateOptions> table =
      OptionTable.of(RateLimitSimulateOptions.class).bind();

  @Override
  public Map<String, OptionTable.Bound<?>> optionTables() {
    return Map.of("simulate-options", table);
  }

  @Override
  public Integer call() throws Exception {
    RateLimitSimulateOptions o = table.values();
    var chosen = StrategySelection.resolve(registry(), RateLimiter.FAMILY, options.strategies, options.params);
    if (o.limit() < 1 || o.limit() > Arrivals.MAX_LIMIT) {
      throw new IllegalArgumentException("--limit must be 1.." + Arrivals.MAX_LIMIT + ", got " + o.limit());
    }
    long windowMillis = o.windowNanos() / 1_000_000L;
    if (windowMillis < 1 || o.windowNanos() % 1_000_000L != 0) {
      throw new IllegalArgumentException("--window must be a positive whole number of milliseconds, like 1s or"
          + " 250ms");
    }
    if (o.durationNanos() <= 0) {
      throw new IllegalArgumentException("--duration must be positive, got " + o.durationNanos() + " ns");
    }
    if (o.serviceNanos() <= 0 || o.capacity() < 1) {
      throw new IllegalArgumentException("--service-time must be positive and --capacity at least 1");
    }
    Arrivals arrivals;
    String patternName;
    if (o.arrivalsFile() != null) {
      arrivals = Arrivals.read(o.arrivalsFile());
      patternName = "file:" + o.arrivalsFile().getFileName();
    } else {
      double perSecond = ratePerSecond(o.rate(), o.limit(), windowMillis);
      long expected = (long) Arrivals.expected(o.pattern(), o.keys(), perSecond, o.durationNanos(), o.limit(),
          o.windowNanos());
      if (expected > Arrivals.MAX_ARRIVALS) {
        throw new IllegalArgumentException("--rate x --keys x --duration asks for about " + expected
            + " requests" + (o.pattern().equals("boundary-burst") ? " (boundary-burst: two --limit every fourth window)"
            : "") + "; keep it under 50 million");
      }
      arrivals = Arrivals.generate(o.pattern(), o.keys(), perSecond, o.durationNanos(), o.limit(), o.windowNanos(),
          o.seed());
      patternName = o.pattern();
    }
    boolean anyRemote = chosen.stream().anyMatch(c -> RedisForSimulation.needsRedis(c.descriptor()));
    List<RateLimitSimulationResult> results = new ArrayList<>();
    try (RedisForSimulation server = anyRemote ? RedisForSimulation.open(o.redis()) : null) {
      for (var strategy : chosen) {
        progress("simulating %s on %s...", strategy.descriptor().name(), arrivals);
        results.add(RateLimitSimulator.run(strategy.descriptor(), strategy.params(), o.limit(), windowMillis, arrivals,
            patternName, new RateLimitSimulator.Service(o.serviceNanos(), o.capacity()), o.seed(),
            server == null ? null : server.uri()));
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("pattern", patternName);
    doc.put("limit", o.limit());
    doc.put("windowMillis", windowMillis);
    doc.put("seed", o.seed());
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
