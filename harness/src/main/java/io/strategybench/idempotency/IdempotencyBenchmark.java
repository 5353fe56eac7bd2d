package io.strategybench.idempotency;

import io.strategybench.family.FamilyModules;
import io.strategybench.run.JmhDefaults;
import io.strategybench.strategy.StrategyContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: one attempt of a new key through a store (begin, an effect of no processing time into a ledger in memory,
 * store the response), and beside it the raw round trip of the store's server ({@code PING} to Redis,
 * {@code SELECT 1} to PostgreSQL) on a connection of its own, so that the store's own cost shows. A local store's
 * round trip is nothing ({@code serverRoundTrip} returns at once).
 */
@State(Scope.Thread)
public class IdempotencyBenchmark extends JmhDefaults {
  /** Keys before the store is emptied, so memory stays bounded whatever the iteration time. */
  private static final int KEYS_PER_ROUND = 100_000;

  @Param({"in-memory"})
  public String strategy;

  /** The store's server ({@code redis://…}, {@code jdbc:postgresql://…}); empty for a local store. */
  @Param({""})
  public String url;

  private IdempotencyStore store;
  private LedgerEffect effect;
  private ServerRoundTrip raw;
  private long next;
  private final String prefix = Long.toString(System.nanoTime(), 36) + "-" + Thread.currentThread().getId() + "-";

  @Setup
  public void setup() {
    Map<String, String> params = new LinkedHashMap<>();
    if (!url.isEmpty()) {
      params.put("url", url);
    }
    store = (IdempotencyStore) FamilyModules.fromHome().registry().strategy(IdempotencyStore.FAMILY, strategy)
        .create(params, StrategyContext.system());
    effect = new LedgerEffect(new MemoryLedger(), 0);
    raw = ServerRoundTrip.open(url);
  }

  @Benchmark
  public Object attempt() throws Exception {
    if (++next % KEYS_PER_ROUND == 0) {
      store.reset();
      effect.ledger().reset();
    }
    return store.execute(new Attempt(prefix + next, "fp"), effect).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Benchmark
  public Object serverRoundTrip() throws Exception {
    return raw.call();
  }

  @TearDown
  public void tearDown() {
    raw.close();
    store.close();
  }
}
