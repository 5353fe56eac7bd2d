package io.strategybench.idempotency;

import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.OptionTable;
import io.strategybench.cli.StrategySelection;
import io.strategybench.idempotency.IdempotencySimulator.Result;
import io.strategybench.idempotency.IdempotencySimulator.Workload;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code bench simulate idempotency}: effects per key of each store through timeouts, retries and crashes. */
@Command(name = "idempotency",
    header = "Simulate idempotency stores: how many effects each key gets through client timeouts, retries, expired"
        + " locks and crashed instances.",
    description = {"",
        "--keys clients each place one order (one idempotency key) within --spread; a load balancer sends every"
            + " attempt to one of --instances at random. An attempt that takes its key works for --processing-time,"
            + " then runs the effect and stores its response. A client waits --client-timeout (the attempt goes on"
            + " server-side), and after a timeout, a 409 or a refused connection retries with full-jitter"
            + " exponential backoff (--backoff-base, --backoff-cap), --max-attempts in all.",
        "",
        "Crashes: with --crash-after-effect an attempt's instance dies after the effect, before the stored"
            + " response; with --crash-holding-lock while it holds the key, before the effect. Every attempt in"
            + " flight on it is lost; it comes back after --restart-time, refusing connections meanwhile.",
        "",
        "Each store is simulated by the characteristics it declares, not by its name (a plugin store too): control"
            + " (no key), per-instance or shared keys, lock-ttl (a hold expires after --lock-ttl, or the store's"
            + " lock-ttl-millis parameter), fenced (a stale token's effect is refused), transactional (effect and"
            + " response commit together; a crash rolls both back), recovery-points (an attempt after a crash"
            + " resumes past the effect). Reported: attempts, effects, duplicates (effects beyond one per key),"
            + " 409s, fenced-out effects, clients that gave up, completion time, time keys stayed held by dead"
            + " attempts, and the effects-per-key histogram (with --json). Deterministic for a --seed.",
        ""})
public final class SimulateIdempotencyCommand extends FamilyCommand.Simulate implements OptionTable.Host {
  private final OptionTable.Bound<SimulateIdempotencyOptions> workload =
      OptionTable.of(SimulateIdempotencyOptions.class).bind();

  @Override
  public Map<String, OptionTable.Bound<?>> optionTables() {
    return Map.of("workload", workload);
  }

  @Override
  public Integer call() {
    var chosen = StrategySelection.resolve(registry(), IdempotencyStore.FAMILY, options.strategies, options.params);
    Workload workload = this.workload.values().workload();
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (var c : chosen) {
      var d = c.descriptor();
      if (!IdempotencySimulator.simulates(d.characteristics())) {
        skipped.add(d.name());
        continue;
      }
      Workload w = workload;
      String ttl = c.params().get("lock-ttl-millis");
      if (ttl != null && d.has(IdempotencyStore.LOCK_TTL)) {
        w = w.withLockTtlMillis(Long.parseLong(ttl.trim()));
      }
      progress("simulating %s...", d.name());
      Result r = IdempotencySimulator.run(d.name(), d.characteristics(), w);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("result", r);
      row.put("lockTtlMillis", d.has(IdempotencyStore.LOCK_TTL) ? w.lockTtlMillis() : null);
      rows.add(row);
    }
    List<Result> results = rows.stream().map(r -> (Result) r.get("result")).toList();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("workload", workload);
    if (!skipped.isEmpty()) {
      doc.put("skipped", skipped);
    }
    return print(doc, results, out -> printTable(out, rows, skipped, workload));
  }

  static void printTable(PrintWriter out, List<Map<String, Object>> rows, List<String> skipped, Workload w) {
    out.printf(Locale.ROOT, "%d keys, %d instances, %.0f ms processing%s, %.0f ms client timeout, %d attempts,"
        + " crashes %.2f%% after effect / %.2f%% holding lock, seed %d%n", w.keys(), w.instances(),
        w.processingMillis(), w.exponential() ? " (exponential)" : "", w.clientTimeoutMillis(), w.maxAttempts(),
        w.crashAfterEffect() * 100, w.crashHoldingLock() * 100, w.seed());
    out.printf("%-26s %8s %9s %8s %8s %9s %8s %8s %8s %8s %8s %9s %9s %10s %10s %7s%n", "strategy", "lockTtl",
        "attempts", "effects", "dupl.", "dup.keys", "409", "fenced", "refused", "resumed", "gaveUp", "p50 ms",
        "p99 ms", "stuck s", "stuckMax", "crashes");
    for (Map<String, Object> row : rows) {
      Result r = (Result) row.get("result");
      Object ttl = row.get("lockTtlMillis");
      out.printf(Locale.ROOT, "%-26s %8s %9d %8d %8d %9d %8d %8d %8d %8d %8d %9.1f %9.1f %10.1f %10.1f %7d%n",
          r.strategy(), ttl == null ? "-" : String.format(Locale.ROOT, "%.0f", (Double) ttl), r.attempts(),
          r.effects(), r.duplicates(), r.keysWithDuplicates(), r.conflicts409(), r.fencedOut(), r.refused(),
          r.resumed(), r.clientsGaveUp(), r.completionMillisP50(), r.completionMillisP99(),
          r.stuckKeyMillisTotal() / 1000, r.stuckKeyMillisMax(), r.crashes());
    }
    for (String name : skipped) {
      out.printf("%-26s skipped: declares none of control, per-instance, shared%n", name);
    }
  }
}
