package io.strategybench.server;

import java.util.Map;

/**
 * One step of the target server's request path, running one family's strategy: the API gateway of the
 * design made concrete ({@code idempotency → rate limit → cache → load balancer}). A stage either answers
 * an {@link Exchange} itself ({@link Exchange#respond}) or passes it on ({@link Exchange#proceed}); the last
 * stage must answer. Stages run on the client connection's I/O thread and must not block it.
 */
public interface Stage extends AutoCloseable {
  /** Short name, used as its key in {@code /_/stats} ({@code lb}). */
  String name();

  /** Starts whatever the stage runs in the background (health probes, ...). */
  default void start(StageContext context) {}

  /** Handles one request on its I/O thread. */
  void handle(Exchange exchange);

  /** Whether the stage can serve at all now (e.g. at least one backend available), for {@code /_/health}. */
  default boolean isReady() {
    return true;
  }

  /** The stage's counters, including its family's correctness counters, for {@code /_/stats}. */
  default Map<String, Object> stats() {
    return Map.of();
  }

  /** Zeroes the stage's counters and restarts any timeline it runs (scheduled faults). */
  default void reset() {}

  /**
   * Serves an admin request under {@code /_/} that the server itself does not know (topology changes).
   * Runs on the admin thread, may block briefly.
   *
   * @return the response, or {@code null} if this stage does not serve that path
   */
  default AdminResponse admin(AdminRequest request) {
    return null;
  }

  @Override
  default void close() {}
}
