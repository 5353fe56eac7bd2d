package io.strategybench.lb;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import io.strategybench.backend.Fault;
import io.strategybench.backend.ServiceTime;
import io.strategybench.backend.SimulatedBackend;
import io.strategybench.backend.SimulatedBackendSpec;
import io.strategybench.server.AdminRequest;
import io.strategybench.server.AdminResponse;
import io.strategybench.server.Exchange;
import io.strategybench.server.Stage;
import io.strategybench.server.StageContext;
import io.strategybench.server.Transport;
import io.strategybench.server.Upstream;
import io.strategybench.server.UpstreamListener;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load-balancer stage: picks a backend with the configured {@link LoadBalancer} and proxies the request
 * to it over a pooled keep-alive connection. When no connection can be made it retries once on another
 * backend; when nothing can serve it answers 502 (no connection, bad or broken response), 503 (no backend
 * available) or 504 (no answer within the response timeout), each with a body that says which backend and
 * why. Passive and active health ({@link HealthPolicy}) decide which backends are available.
 *
 * <p>Backends are real ({@link BackendAddress}) or simulated in-process ({@link SimulatedBackendSpec}) on
 * their own event loops, so they do not take the proxy's I/O threads. The admin plane's
 * {@code /_/backends} adds, removes, kills and revives them, and applies faults, while traffic flows.
 */
public final class LoadBalancerStage implements Stage {
  private static final Logger log = LoggerFactory.getLogger(LoadBalancerStage.class);

  private final LoadBalancer strategy;
  private final String strategyName;
  private final HealthPolicy health;
  private final Upstream.Limits limits;
  private final List<BackendAddress> realBackends;
  private final List<SimulatedBackendSpec> simulatedBackends;
  private final int simulatedThreads;
  private final CopyOnWriteArrayList<ProxiedBackend> backends = new CopyOnWriteArrayList<>();
  private final Object topology = new Object();
  private final AffinityTracker sessions = new AffinityTracker(200_000);
  private final AffinityTracker clients = new AffinityTracker(200_000);
  private final LongAdder retries = new LongAdder();
  private final LongAdder noBackend = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder brokenResponses = new LongAdder();
  private final LongAdder limitRejections = new LongAdder();
  private final LongAdder panicDispatches = new LongAdder();
  private final LongAdder strategyErrors = new LongAdder();

  private Transport transport;
  private boolean allowRemoteBackends;
  /** Backends the pool holds at most once the admin plane adds some; the largest response of one it adds. */
  static final int MAX_BACKENDS = 64;
  static final int MAX_ADDED_RESPONSE_BYTES = 1024 * 1024;
  private io.netty.buffer.ByteBufAllocator allocator;
  private EventLoopGroup ioGroup;
  private EventLoopGroup simulatedGroup;
  private ScheduledFuture<?> prober;
  private int simulatedCount;

  /**
   * @param simulatedThreads event-loop threads shared by the simulated backends
   */
  public LoadBalancerStage(LoadBalancer strategy, String strategyName, List<BackendAddress> realBackends,
      List<SimulatedBackendSpec> simulatedBackends, HealthPolicy health, Upstream.Limits limits,
      int simulatedThreads) {
    if (realBackends.isEmpty() && simulatedBackends.isEmpty()) {
      throw new IllegalArgumentException("the load balancer needs at least one backend: give --backend HOST:PORT"
          + " or --simulated N");
    }
    this.strategy = strategy;
    this.strategyName = strategyName;
    this.health = health;
    this.limits = limits;
    this.realBackends = List.copyOf(realBackends);
    this.simulatedBackends = List.copyOf(simulatedBackends);
    this.simulatedThreads = simulatedThreads;
  }

  @Override
  public String name() {
    return "lb";
  }

  @Override
  public void start(StageContext context) {
    this.transport = context.transport();
    this.allocator = context.allocator();
    this.ioGroup = context.ioGroup();
    this.allowRemoteBackends = context.allowRemoteUpstreams();
    synchronized (topology) {
      for (BackendAddress address : realBackends) {
        addReal(address);
      }
      for (SimulatedBackendSpec spec : simulatedBackends) {
        addSimulated(spec);
      }
      publish();
    }
    if (health.active()) {
      prober = ioGroup.next().scheduleAtFixedRate(this::probeAll, health.probeIntervalNanos(),
          health.probeIntervalNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The strategy's view of one request: its client and session, and which backends it may go to - the available
   * ones (all of them while too few are: panic), less one it already failed to reach.
   */
  private static final class Pick implements LbRequest {
    final Exchange exchange;
    final boolean panic;
    final Backend excluded;

    Pick(Exchange exchange, boolean panic, Backend excluded) {
      this.exchange = exchange;
      this.panic = panic;
      this.excluded = excluded;
    }

    @Override
    public String clientAddress() {
      return exchange.clientAddress();
    }

    @Override
    public String sessionId() {
      return exchange.sessionId();
    }

    @Override
    public boolean eligible(Backend backend) {
      return backend != excluded && (panic || backend.isAvailable());
    }
  }

  @Override
  public void handle(Exchange exchange) {
    dispatch(exchange, null, null);
  }

  private void dispatch(Exchange exchange, String firstFailure, Backend excluded) {
    Backend picked;
    Pick pick = new Pick(exchange, health.panics(backends), excluded);
    try {
      picked = strategy.pick(pick);
    } catch (RuntimeException e) {
      strategyErrors.increment();
      log.warn("strategy {} failed to pick", strategyName, e);
      exchange.respond(HttpResponseStatus.INTERNAL_SERVER_ERROR,
          "500 Internal Server Error: load-balancing strategy '" + strategyName + "' failed: " + e + "\n");
      return;
    }
    if (picked == null) {
      if (firstFailure != null) {
        exchange.respond(HttpResponseStatus.BAD_GATEWAY, "502 Bad Gateway: " + firstFailure
            + "; no other backend is available to retry on\n");
      } else {
        noBackend.increment();
        exchange.respond(HttpResponseStatus.SERVICE_UNAVAILABLE,
            "503 Service Unavailable: no backend is available (" + describeAvailability() + ")\n");
      }
      return;
    }
    if (!(picked instanceof ProxiedBackend backend) || backend.isRemoved()) {
      strategyErrors.increment();
      exchange.respond(HttpResponseStatus.INTERNAL_SERVER_ERROR, "500 Internal Server Error: strategy '"
          + strategyName + "' picked '" + picked + "', which is not one of the backends it was given\n");
      return;
    }
    if (pick.panic) {
      panicDispatches.increment();
    }
    backend.dispatched(pick.panic);
    String session = exchange.sessionId();
    if (session != null) {
      sessions.record(session, backend);
    }
    if (exchange.hasForwardedFor()) {
      clients.record(exchange.clientAddress(), backend);
    }
    backend.upstream().forward(exchange, new Outcome(exchange, backend, firstFailure, System.nanoTime()));
  }

  /** The result of one request sent to one backend: health, strategy feedback, retry or error answer. */
  private final class Outcome implements UpstreamListener {
    private final Exchange exchange;
    private final ProxiedBackend backend;
    private final String firstFailure;
    private final long sentAt;

    Outcome(Exchange exchange, ProxiedBackend backend, String firstFailure, long sentAt) {
      this.exchange = exchange;
      this.backend = backend;
      this.firstFailure = firstFailure;
      this.sentAt = sentAt;
    }

    @Override
    public void connectFailed(Throwable cause) {
      connectFailures.increment();
      report(System.nanoTime() - sentAt, false);
      String failure = "could not connect to backend " + backend.name() + " (" + backend.address() + "): "
          + rootMessage(cause);
      if (exchange.isDone()) {
        return;
      }
      if (firstFailure == null) {
        retries.increment();
        dispatch(exchange, failure, backend);
      } else {
        exchange.respond(HttpResponseStatus.BAD_GATEWAY, "502 Bad Gateway: " + firstFailure + "; then "
            + failure + "\n");
      }
    }

    @Override
    public void completed(int status, long latencyNanos) {
      report(latencyNanos, status < 500 || !health.failOn5xx());
    }

    @Override
    public void failed(Upstream.Failure failure, String detail, long latencyNanos) {
      switch (failure) {
        case CLIENT_GONE -> backend.finished(true);
        case CONNECTION_LIMIT -> {
          limitRejections.increment();
          backend.finished(true);
          answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: " + detail);
        }
        case TIMEOUT -> {
          timeouts.increment();
          report(latencyNanos, false);
          answer(HttpResponseStatus.GATEWAY_TIMEOUT, "504 Gateway Timeout: backend " + backend.name()
              + " (" + backend.address() + ") sent nothing for "
              + TimeUnit.NANOSECONDS.toMillis(limits.responseTimeoutNanos()) + " ms");
        }
        default -> {
          brokenResponses.increment();
          report(latencyNanos, false);
          answer(HttpResponseStatus.BAD_GATEWAY, "502 Bad Gateway: backend " + backend.name() + ": " + detail);
        }
      }
    }

    private void answer(HttpResponseStatus status, String text) {
      if (!exchange.isDone() && !exchange.isHeadSent()) {
        exchange.respond(status, text + "\n");
      }
    }

    private void report(long latencyNanos, boolean success) {
      if (backend.finished(success, () -> health.mayEject(backends))) {
        log.info("backend {} ejected for {} ms after {} consecutive failures", backend.name(),
            TimeUnit.NANOSECONDS.toMillis(health.ejectNanos()), health.maxFails());
      }
      try {
        strategy.onComplete(backend, latencyNanos, success);
      } catch (RuntimeException e) {
        strategyErrors.increment();
        log.warn("strategy {} failed in onComplete", strategyName, e);
      }
    }
  }

  @Override
  public boolean isReady() {
    for (ProxiedBackend backend : backends) {
      if (backend.isAvailable()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Map<String, Object> stats() {
    List<ProxiedBackend> current = List.copyOf(backends);
    long totalDispatched = 0;
    long maxDispatched = 0;
    long unavailable = 0;
    double maxPeak = 0;
    double sumPeak = 0;
    for (ProxiedBackend b : current) {
      totalDispatched += b.dispatchedCount();
      maxDispatched = Math.max(maxDispatched, b.dispatchedCount());
      unavailable += b.dispatchedWhileUnavailableCount();
      maxPeak = Math.max(maxPeak, b.peakInFlight());
      sumPeak += b.peakInFlight();
    }
    List<Map<String, Object>> list = new ArrayList<>();
    for (ProxiedBackend b : current) {
      Map<String, Object> m = describe(b);
      m.put("share", totalDispatched == 0 ? 0.0 : round((double) b.dispatchedCount() / totalDispatched));
      list.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("strategy", strategyName);
    out.put("backends", list);
    out.put("dispatched", totalDispatched);
    out.put("retries", retries.sum());
    out.put("noBackend", noBackend.sum());
    out.put("connectFailures", connectFailures.sum());
    out.put("timeouts", timeouts.sum());
    out.put("brokenResponses", brokenResponses.sum());
    out.put("connectionLimitRejections", limitRejections.sum());
    out.put("strategyErrors", strategyErrors.sum());
    out.put("dispatchedWhileUnavailable", unavailable);
    out.put("panicThreshold", health.panicThreshold());
    out.put("maxEjectionShare", health.maxEjectionShare());
    out.put("panicDispatches", panicDispatches.sum());
    out.put("shareImbalance", current.isEmpty() || totalDispatched == 0 ? 0.0
        : round(maxDispatched / ((double) totalDispatched / current.size())));
    out.put("peakInFlightImbalance", sumPeak == 0 ? 0.0 : round(maxPeak / (sumPeak / current.size())));
    out.put("stickiness", round(sessions.stickiness()));
    out.put("sessionsTracked", sessions.keys());
    out.put("sessionRequests", sessions.requests());
    out.put("clientAffinity", round(clients.stickiness()));
    out.put("clientsTracked", clients.keys());
    return out;
  }

  @Override
  public void reset() {
    for (ProxiedBackend b : backends) {
      b.resetCounters();
      SimulatedBackend sim = b.simulated();
      if (sim != null) {
        sim.resetCounters();
        try {
          sim.restartTimeline();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    sessions.reset();
    clients.reset();
    for (LongAdder adder : List.of(retries, noBackend, connectFailures, timeouts, brokenResponses,
        limitRejections, strategyErrors)) {
      adder.reset();
    }
  }

  @Override
  public AdminResponse admin(AdminRequest request) {
    List<String> path = request.segments();
    if (path.isEmpty() || !path.get(0).equals("backends")) {
      return null;
    }
    try {
      if (path.size() == 1) {
        return switch (request.method()) {
          case "GET" -> AdminResponse.ok(backends.stream().map(this::describe).toList());
          case "POST" -> add(request);
          default -> AdminResponse.error(405, "/_/backends takes GET or POST");
        };
      }
      ProxiedBackend backend = find(path.get(1));
      if (backend == null) {
        return AdminResponse.error(404, "no backend '" + path.get(1) + "'; backends: "
            + String.join(", ", backends.stream().map(ProxiedBackend::name).toList()));
      }
      if (path.size() == 2) {
        return switch (request.method()) {
          case "GET" -> AdminResponse.ok(describe(backend));
          case "DELETE" -> remove(backend);
          default -> AdminResponse.error(405, "/_/backends/NAME takes GET or DELETE");
        };
      }
      if (!request.method().equals("POST")) {
        return AdminResponse.error(405, request.path() + " takes POST");
      }
      SimulatedBackend sim = backend.simulated();
      String action = path.get(2);
      if (sim == null && List.of("kill", "revive", "fault").contains(action)) {
        return AdminResponse.error(409, "backend " + backend.name() + " is a real server; only simulated"
            + " backends can be killed, revived or given faults (remove it with DELETE instead)");
      }
      switch (action) {
        case "kill" -> sim.kill();
        case "revive" -> sim.revive();
        case "fault" -> {
          String spec = request.param("action", null);
          if (spec == null) {
            return AdminResponse.error(400, "give the fault as ?action=slow=10|error=503|refuse|recover");
          }
          sim.apply(Fault.parse(backend.name() + "@0s:" + spec));
        }
        default -> {
          return AdminResponse.error(404, "unknown backend action '" + action + "'; use kill, revive or fault");
        }
      }
      log.info("backend {}: {}", backend.name(), action);
      return AdminResponse.ok(describe(backend));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return AdminResponse.error(500, "interrupted");
    }
  }

  private AdminResponse add(AdminRequest request) throws InterruptedException {
    synchronized (topology) {
      if (backends.size() >= MAX_BACKENDS) {
        return AdminResponse.error(409, "the pool holds " + backends.size() + " backends, the most it takes;"
            + " remove one first");
      }
      ProxiedBackend added;
      if (Boolean.parseBoolean(request.param("simulated", "false"))) {
        SimulatedBackendSpec template = simulatedBackends.isEmpty() ? null : simulatedBackends.get(0);
        String name = "b" + (simulatedCount + 1);
        SimulatedBackendSpec spec = SimulatedBackendSpec.pool(1,
            List.of(Integer.parseInt(request.param("weight", "1"))),
            List.of(Integer.parseInt(request.param("capacity", template == null ? "8" : "" + template.capacity()))),
            request.param("service-time", template == null ? "exp:5ms" : template.serviceTime().toString()),
            Integer.parseInt(request.param("queue", template == null ? "128" : "" + template.queueLimit())),
            addedResponseBytes(request, template),
            List.of()).get(0);
        added = addSimulated(new SimulatedBackendSpec(name, spec.weight(), spec.serviceTime(), spec.capacity(),
            spec.queueLimit(), spec.responseBytes(), List.of()));
      } else {
        String address = request.param("address", null);
        if (address == null) {
          return AdminResponse.error(400, "give ?address=HOST:PORT[&weight=W], or ?simulated=true");
        }
        BackendAddress parsed = BackendAddress.parse(address + ",weight=" + request.param("weight", "1"));
        if (!allowRemoteBackends && !io.strategybench.server.AdminAccess.isLoopback(parsed.host())) {
          return AdminResponse.error(403, "backend " + address + " is not on loopback; backends added at run time"
              + " must be, unless the target was started with --allow-remote-backends");
        }
        if (find(parsed.name()) != null) {
          return AdminResponse.error(409, "backend " + parsed.name() + " is already in the pool");
        }
        added = addReal(parsed);
      }
      publish();
      log.info("backend {} added", added.name());
      return new AdminResponse(201, describe(added));
    }
  }

  private static int addedResponseBytes(AdminRequest request, SimulatedBackendSpec template) {
    int bytes = Integer.parseInt(request.param("response-bytes",
        template == null ? "1024" : "" + Math.min(template.responseBytes(), MAX_ADDED_RESPONSE_BYTES)));
    if (bytes < 0 || bytes > MAX_ADDED_RESPONSE_BYTES) {
      throw new IllegalArgumentException("response-bytes of a backend added at run time must be 0.."
          + MAX_ADDED_RESPONSE_BYTES + ", got " + bytes);
    }
    return bytes;
  }

  private AdminResponse remove(ProxiedBackend backend) {
    synchronized (topology) {
      if (backends.size() == 1) {
        return AdminResponse.error(409, "cannot remove " + backend.name() + ": it is the last backend");
      }
      backends.remove(backend);
      backend.markRemoved();
      publish();
    }
    backend.upstream().close();
    if (backend.simulated() != null) {
      backend.simulated().close();
    }
    log.info("backend {} removed", backend.name());
    return AdminResponse.ok(Map.of("removed", backend.name()));
  }

  private ProxiedBackend addReal(BackendAddress address) {
    InetSocketAddress socket = new InetSocketAddress(address.host(), address.port());
    if (socket.isUnresolved()) {
      throw new IllegalArgumentException("backend " + address.name() + ": cannot resolve host '" + address.host() + "'");
    }
    ProxiedBackend backend = new ProxiedBackend(address.name(), address.weight(), health,
        new Upstream(socket, transport, limits, allocator), null);
    backends.add(backend);
    return backend;
  }

  private ProxiedBackend addSimulated(SimulatedBackendSpec spec) {
    if (simulatedGroup == null) {
      simulatedGroup = transport.newGroup(simulatedThreads, "sim-backend");
    }
    SimulatedBackend sim = new SimulatedBackend(spec, simulatedGroup, transport.serverChannel(), "127.0.0.1");
    try {
      sim.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting backend " + spec.name(), e);
    }
    simulatedCount++;
    ProxiedBackend backend = new ProxiedBackend(spec.name(), spec.weight(), health,
        new Upstream(sim.address(), transport, limits, allocator), sim);
    backends.add(backend);
    return backend;
  }

  /** Hands the current list to the strategy. Guarded by {@link #topology}. */
  private void publish() {
    strategy.setBackends(List.copyOf(backends));
  }

  private ProxiedBackend find(String name) {
    for (ProxiedBackend backend : backends) {
      if (backend.name().equals(name)) {
        return backend;
      }
    }
    return null;
  }

  private void probeAll() {
    EventLoop loop = ioGroup.next();
    for (ProxiedBackend backend : backends) {
      backend.upstream().probe(loop, health.probePath(), health.probeTimeoutNanos()).addListener(f -> {
        boolean healthy = Boolean.TRUE.equals(f.getNow());
        if (backend.probed(healthy)) {
          log.info("backend {} marked {} by active health checks", backend.name(), healthy ? "up" : "down");
        }
      });
    }
  }

  private Map<String, Object> describe(ProxiedBackend b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", b.name());
    m.put("address", b.address());
    m.put("kind", b.simulated() == null ? "real" : "simulated");
    m.put("weight", b.weight());
    m.put("state", b.state());
    m.put("inFlight", b.inFlight());
    m.put("peakInFlight", b.peakInFlight());
    m.put("dispatched", b.dispatchedCount());
    m.put("completed", b.completedCount());
    m.put("failures", b.failureCount());
    m.put("ejections", b.ejectionCount());
    m.put("ejectionsRefused", b.ejectionsRefused());
    m.put("dispatchedWhileUnavailable", b.dispatchedWhileUnavailableCount());
    m.put("dispatchedInPanic", b.dispatchedInPanicCount());
    SimulatedBackend sim = b.simulated();
    if (sim != null) {
      m.put("serviceTime", sim.spec().serviceTime().toString());
      m.put("capacity", sim.spec().capacity());
      m.put("received", sim.received());
      m.put("served", sim.served());
      m.put("shed", sim.shed());
      m.put("answeredWithFault", sim.failed());
      m.put("refusing", sim.isRefusing());
    }
    return m;
  }

  private String describeAvailability() {
    List<String> states = new ArrayList<>();
    for (ProxiedBackend b : backends) {
      states.add(b.name() + " " + b.state());
    }
    return String.join(", ", states);
  }

  private static String rootMessage(Throwable cause) {
    Throwable t = cause;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  private static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }

  @Override
  public void close() {
    if (prober != null) {
      prober.cancel(false);
    }
    for (ProxiedBackend backend : backends) {
      backend.upstream().close();
      if (backend.simulated() != null) {
        backend.simulated().close();
      }
    }
    if (simulatedGroup != null) {
      simulatedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
