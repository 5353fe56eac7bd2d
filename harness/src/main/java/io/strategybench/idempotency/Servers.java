package io.strategybench.idempotency;

import io.strategybench.idempotency.postgres.PostgresServerProcess;
import io.strategybench.ratelimit.RedisForSimulation;
import io.strategybench.strategy.SettingDescriptor;
import io.strategybench.strategy.StrategyDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The servers a run of the idempotency stores needs, started for it and stopped after: a {@code redis-server} for
 * the Redis stores and for the ledger every load run counts orders in, and a PostgreSQL cluster (as the
 * {@code postgres} user) for the PostgreSQL stores. What a store needs is read from the default of its {@code url}
 * parameter ({@code redis://…}, {@code jdbc:postgresql://…}). A server that cannot start leaves its stores out of
 * the run, said in the workload ({@code skipped}) and on the terminal, and the rest runs.
 */
final class Servers implements AutoCloseable {
  private final RedisForSimulation redis;
  private final PostgresServerProcess postgres;

  private Servers(RedisForSimulation redis, PostgresServerProcess postgres) {
    this.redis = redis;
    this.postgres = postgres;
  }

  /** The kind of server {@code store} talks to: "redis", "postgresql", or null for none. */
  static String serverOf(StrategyDescriptor<?> store) {
    for (SettingDescriptor s : store.settings()) {
      if (s.name().equals("url")) {
        String url = String.valueOf(s.defaultValue());
        return url.startsWith("redis") ? "redis" : url.startsWith("jdbc:postgresql") ? "postgresql" : null;
      }
    }
    return null;
  }

  /**
   * Starts what {@code chosen} needs ({@code ledger}: Redis for the load runs' ledger too); removes from
   * {@code chosen} the stores whose server could not start and says why in {@code workload}.
   */
  static Servers open(List<StrategyDescriptor<IdempotencyStore>> chosen, boolean ledger, Map<String, Object> workload,
      Consumer<String> note) {
    return open(chosen, true, ledger, workload, note);
  }

  /**
   * As {@link #open(List, boolean, Map, Consumer)}, starting nothing unless {@code needed} (a run of the simulate
   * lens alone talks to no server).
   */
  static Servers open(List<StrategyDescriptor<IdempotencyStore>> chosen, boolean needed, boolean ledger,
      Map<String, Object> workload, Consumer<String> note) {
    if (!needed) {
      return new Servers(null, null);
    }
    Map<String, String> why = new LinkedHashMap<>();
    RedisForSimulation redis = null;
    if (ledger || chosen.stream().anyMatch(s -> "redis".equals(serverOf(s)))) {
      try {
        redis = RedisForSimulation.open(System.getProperty("strategybench.redis"));
      } catch (RuntimeException e) {
        why.put("redis", String.valueOf(e.getMessage()));
      }
    }
    PostgresServerProcess postgres = null;
    if (chosen.stream().anyMatch(s -> "postgresql".equals(serverOf(s)))) {
      try {
        postgres = PostgresServerProcess.launch();
        // pg_ctl detaches the server: a run killed outright stops it through the watchdog, as its redis-server
        postgres.postmaster().ifPresent(io.strategybench.run.ParentDeathWatch::guard);
      } catch (RuntimeException e) {
        why.put("postgresql", String.valueOf(e.getMessage()));
      }
    }
    List<String> skipped = new ArrayList<>();
    for (StrategyDescriptor<IdempotencyStore> s : List.copyOf(chosen)) {
      String server = serverOf(s);
      if (server != null && why.containsKey(server)) {
        skipped.add(s.name());
        chosen.remove(s);
      }
    }
    if (!skipped.isEmpty()) {
      workload.put("skipped", Map.of("strategies", skipped, "reason", why.toString()));
      note.accept("        idempotency: skipping " + String.join(", ", skipped) + ": " + why);
    }
    return new Servers(redis, postgres);
  }

  /** Whether a load run can count its orders (the ledger's Redis is up). */
  boolean hasLedger() {
    return redis != null;
  }

  /** The ledger every instance of a load run counts orders in. */
  String ledgerUri() {
    if (redis == null) {
      throw new IllegalStateException("no Redis for the order ledger: a load run counts orders there");
    }
    return redis.uri();
  }

  /** The server URL {@code store} talks to, or "" for a local store. */
  String urlFor(StrategyDescriptor<?> store) {
    String server = serverOf(store);
    if ("redis".equals(server)) {
      return redis.uri();
    }
    if ("postgresql".equals(server)) {
      return postgres.url();
    }
    return "";
  }

  /** The {@code serve} parameters that point {@code store} at its server. */
  List<String> storeParams(StrategyDescriptor<?> store) {
    String url = urlFor(store);
    return url.isEmpty() ? List.of() : List.of("--param", "url=" + url);
  }

  /** Empties the ledger before a load run, so its counts are that run's. */
  void resetLedger() {
    try (OrderLedger ledger = Ledgers.open(ledgerUri(), "the ledger")) {
      ledger.reset();
    }
  }

  /** Empties the store's own database (a PostgreSQL store keeps its keys and orders there) before a load run. */
  void resetStore(StrategyDescriptor<?> store) {
    if ("postgresql".equals(serverOf(store))) {
      try (IdempotencyStore s = (IdempotencyStore) store.create(Map.of("url", postgres.url()),
          io.strategybench.strategy.StrategyContext.system())) {
        s.reset();
        if (s.ownLedger() != null) {
          s.ownLedger().reset();
        }
      }
    }
  }

  @Override
  public void close() {
    if (postgres != null) {
      postgres.close();
    }
    if (redis != null) {
      redis.close();
    }
  }
}
