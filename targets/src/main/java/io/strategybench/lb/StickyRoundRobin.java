package io.strategybench.lb;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategySettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sticky sessions over round robin: the first request of a session (session cookie or header) is placed by
 * round robin and the session then stays on that backend until it has been idle for longer than the idle
 * timeout or until its backend is no longer eligible; then it is placed again and stays on its new backend
 * (HAProxy {@code stick-table}, nginx {@code sticky learn}). Requests without a session are round robin.
 * The table holds at most {@code max-sessions} entries; when full, idle ones are purged first and new
 * sessions beyond the bound are served without stickiness rather than growing without limit.
 */
@Strategy(name = "sticky-round-robin", summary = "a session stays on its backend until idle or unhealthy")
public final class StickyRoundRobin implements LoadBalancer {
  /** Parameters of {@link StickyRoundRobin}. */
  public static final class Settings implements StrategySettings {
    @Setting(description = "a session idle for longer than this is placed again, in milliseconds",
        min = 1, max = 86_400_000)
    public long idleTimeoutMillis = 300_000;

    @Setting(description = "most sessions remembered at once", min = 1, max = 100_000_000)
    public int maxSessions = 100_000;
  }

  private record Assignment(Backend backend, long lastSeen) {}

  private final StrategyContext context;
  private final long idleNanos;
  private final int maxSessions;
  private final RoundRobin placement = new RoundRobin();
  private final Map<String, Assignment> sessions = new ConcurrentHashMap<>();

  public StickyRoundRobin() {
    this(new Settings(), StrategyContext.system());
  }

  public StickyRoundRobin(Settings settings, StrategyContext context) {
    this.context = context;
    this.idleNanos = TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMillis);
    this.maxSessions = settings.maxSessions;
  }

  @Override
  public void setBackends(List<? extends Backend> backends) {
    placement.setBackends(backends);
  }

  @Override
  public Backend pick(LbRequest request) {
    String session = request.sessionId();
    if (session == null) {
      return placement.pick(request);
    }
    long now = context.clock().nanoTime();
    Assignment current = sessions.get(session);
    if (current != null && now - current.lastSeen <= idleNanos && request.eligible(current.backend)) {
      sessions.put(session, new Assignment(current.backend, now));
      return current.backend;
    }
    Backend placed = placement.pick(request);
    if (placed != null && (current != null || hasRoom(now))) {
      sessions.put(session, new Assignment(placed, now));
    }
    return placed;
  }

  /** Number of sessions currently remembered. */
  public int sessionCount() {
    return sessions.size();
  }

  private boolean hasRoom(long now) {
    if (sessions.size() < maxSessions) {
      return true;
    }
    sessions.values().removeIf(a -> now - a.lastSeen > idleNanos);
    return sessions.size() < maxSessions;
  }
}
