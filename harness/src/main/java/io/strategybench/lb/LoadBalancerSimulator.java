package io.strategybench.lb;

import io.strategybench.backend.Fault;
import io.strategybench.backend.SimulatedBackendSpec;
import io.strategybench.server.ServerStats;
import io.strategybench.strategy.ManualClock;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyDescriptor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A deterministic discrete-event simulation of a load balancer in front of simulated backends, on a
 * virtual clock. Requests arrive (Poisson or evenly spaced), the strategy picks a backend, the backend
 * serves up to its capacity at once and queues up to its limit (then sheds with 503), with service times
 * drawn from its distribution and stretched by its faults. The balancer applies the same passive health
 * rules as the target server ({@link TrackedBackend}) and retries once on another backend when a
 * connection is refused. Nothing depends on wall-clock time or on hash ordering, so the same workload and
 * seed give the same result, byte for byte.
 */
public final class LoadBalancerSimulator {
  private static final long MAX_TRACKED_NANOS = TimeUnit.MINUTES.toNanos(10);

  private LoadBalancerSimulator() {}

  /** Simulates {@code workload} with one strategy (a fresh instance) and returns what it did. */
  public static LbSimulationResult run(StrategyDescriptor<LoadBalancer> strategy, Map<String, String> params,
      LbWorkload workload) {
    return new Run(strategy, params, workload).execute();
  }

  private static final class SimBackend extends TrackedBackend {
    final SimulatedBackendSpec spec;
    final SplittableRandom random;
    final ArrayDeque<Request> queue = new ArrayDeque<>();
    int busy;
    double slowFactor = 1;
    int errorStatus;
    boolean refusing;
    long errors;

    SimBackend(SimulatedBackendSpec spec, HealthPolicy policy, ManualClock clock, long seed) {
      super(spec.name(), spec.weight(), policy, clock);
      this.spec = spec;
      this.random = new SplittableRandom(seed);
    }

    boolean failing() {
      return refusing || errorStatus != 0;
    }
  }

  /** One request; also the balancer's view of it. */
  private static final class Request implements LbRequest {
    final long arrival;
    final String client;
    final String session;
    Backend excluded;
    boolean panic;
    long dispatchedAt;

    Request(long arrival, String client, String session) {
      this.arrival = arrival;
      this.client = client;
      this.session = session;
    }

    @Override
    public String clientAddress() {
      return client;
    }

    @Override
    public String sessionId() {
      return session;
    }

    @Override
    public boolean eligible(Backend backend) {
      return backend != excluded && (panic || backend.isAvailable());
    }
  }

  private record Event(long time, long seq, int kind, SimBackend backend, Request request, Fault fault)
      implements Comparable<Event> {
    static final int ARRIVAL = 0;
    static final int DONE = 1;
    static final int FAULT = 2;
    static final int PROBE = 3;

    @Override
    public int compareTo(Event other) {
      int byTime = Long.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(seq, other.seq);
    }
  }

  private static final class Run {
    final LbWorkload workload;
    final String name;
    final ManualClock clock = new ManualClock();
    final LoadBalancer balancer;
    final List<SimBackend> backends = new ArrayList<>();
    final PriorityQueue<Event> events = new PriorityQueue<>();
    final SplittableRandom arrivals;
    final String[] clients;
    final String[] sessions;
    final Histogram latency = new Histogram(MAX_TRACKED_NANOS, 3);
    final AffinityTracker sessionAffinity;
    final AffinityTracker clientAffinity;
    long seq;
    long requests;
    long completed;
    long errors;
    long toFailed;
    long retries;
    long panicDispatches;

    Run(StrategyDescriptor<LoadBalancer> strategy, Map<String, String> params, LbWorkload workload) {
      this.workload = workload;
      this.name = strategy.name();
      this.balancer = strategy.create(params, StrategyContext.seeded(clock, workload.seed() ^ 0x5DEECE66DL));
      this.arrivals = new SplittableRandom(workload.seed());
      for (int i = 0; i < workload.backends().size(); i++) {
        SimulatedBackendSpec spec = workload.backends().get(i);
        backends.add(new SimBackend(spec, workload.health(), clock, workload.seed() * 31 + i + 1));
      }
      clients = new String[workload.clients()];
      for (int i = 0; i < clients.length; i++) {
        clients[i] = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
      }
      sessions = new String[workload.sessions()];
      for (int i = 0; i < sessions.length; i++) {
        sessions[i] = "s" + i;
      }
      sessionAffinity = new AffinityTracker(Math.max(sessions.length, 1));
      clientAffinity = new AffinityTracker(Math.max(clients.length, 1));
    }

    LbSimulationResult execute() {
      balancer.setBackends(List.copyOf(backends));
      for (SimBackend backend : backends) {
        for (Fault fault : backend.spec.faults()) {
          events.add(new Event(fault.offsetNanos(), seq++, Event.FAULT, backend, null, fault));
        }
      }
      scheduleArrival(0);
      if (workload.health().active()) {
        events.add(new Event(workload.health().probeIntervalNanos(), seq++, Event.PROBE, null, null, null));
      }
      Event event;
      while ((event = events.poll()) != null) {
        clock.set(event.time);
        switch (event.kind) {
          case Event.ARRIVAL -> arrive(event.request);
          case Event.DONE -> done(event.backend, event.request);
          case Event.PROBE -> probe();
          default -> applyFault(event.backend, event.fault);
        }
      }
      return result();
    }

    private void scheduleArrival(long after) {
      double meanGap = 1e9 / workload.rate();
      double gap = workload.poisson() ? -meanGap * Math.log(1 - arrivals.nextDouble()) : meanGap;
      long time = after + Math.max(1, Math.round(gap));
      if (requests == 0) {
        time = after;
      }
      if (time >= workload.durationNanos()) {
        return;
      }
      Request request = new Request(time, clients[arrivals.nextInt(clients.length)],
          sessions[arrivals.nextInt(sessions.length)]);
      requests++;
      events.add(new Event(time, seq++, Event.ARRIVAL, null, request, null));
    }

    private void arrive(Request request) {
      scheduleArrival(request.arrival);
      dispatch(request);
    }

    private void dispatch(Request request) {
      request.panic = workload.health().panics(backends);
      Backend picked = balancer.pick(request);
      if (!(picked instanceof SimBackend backend)) {
        errors++;
        return;
      }
      if (request.panic) {
        panicDispatches++;
      }
      backend.dispatched(request.panic);
      sessionAffinity.record(request.session, backend);
      clientAffinity.record(request.client, backend);
      request.dispatchedAt = clock.nanoTime();
      if (backend.failing()) {
        toFailed++;
      }
      if (backend.refusing) {
        finish(backend, request, false);
        if (request.excluded == null) {
          retries++;
          request.excluded = backend;
          dispatch(request);
        } else {
          errors++;
        }
        return;
      }
      if (backend.errorStatus != 0) {
        backend.errors++;
        errors++;
        finish(backend, request, false);
        return;
      }
      if (backend.busy < backend.spec.capacity()) {
        backend.busy++;
        startService(backend, request);
      } else if (backend.queue.size() < backend.spec.queueLimit()) {
        backend.queue.add(request);
      } else {
        backend.errors++;
        errors++;
        finish(backend, request, false);
      }
    }

    private void startService(SimBackend backend, Request request) {
      long service = Math.round(backend.spec.serviceTime().sampleNanos(backend.random) * backend.slowFactor);
      events.add(new Event(clock.nanoTime() + service, seq++, Event.DONE, backend, request, null));
    }

    private void done(SimBackend backend, Request request) {
      completed++;
      latency.recordValue(Math.min(clock.nanoTime() - request.arrival, MAX_TRACKED_NANOS));
      finish(backend, request, true);
      Request next = backend.queue.poll();
      if (next != null) {
        startService(backend, next);
      } else {
        backend.busy--;
      }
    }

    private void finish(SimBackend backend, Request request, boolean success) {
      backend.finished(success);
      balancer.onComplete(backend, clock.nanoTime() - request.dispatchedAt, success);
    }

    private void applyFault(SimBackend backend, Fault fault) {
      switch (fault.kind()) {
        case SLOW -> backend.slowFactor = fault.value();
        case ERROR -> backend.errorStatus = (int) fault.value();
        case REFUSE -> {
          backend.refusing = true;
          // Dropped connections: what was queued or in service there fails.
          long lost = backend.queue.size();
          backend.queue.clear();
          errors += lost;
          backend.errors += lost;
        }
        case RECOVER -> {
          backend.slowFactor = 1;
          backend.errorStatus = 0;
          backend.refusing = false;
        }
      }
    }

    /** Active health: every backend probed at once; a probe succeeds unless the backend refuses or fails. */
    private void probe() {
      for (SimBackend backend : backends) {
        backend.probed(!backend.failing());
      }
      long next = clock.nanoTime() + workload.health().probeIntervalNanos();
      if (next < workload.durationNanos()) {
        events.add(new Event(next, seq++, Event.PROBE, null, null, null));
      }
    }

    private LbSimulationResult result() {
      long totalDispatched = 0;
      long maxDispatched = 0;
      double maxPeak = 0;
      double sumPeak = 0;
      long ejections = 0;
      for (SimBackend b : backends) {
        totalDispatched += b.dispatchedCount();
        maxDispatched = Math.max(maxDispatched, b.dispatchedCount());
        maxPeak = Math.max(maxPeak, b.peakInFlight());
        sumPeak += b.peakInFlight();
        ejections += b.ejectionCount();
      }
      List<Map<String, Object>> perBackend = new ArrayList<>();
      for (SimBackend b : backends) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.name());
        m.put("weight", b.weight());
        m.put("share", round(totalDispatched == 0 ? 0 : (double) b.dispatchedCount() / totalDispatched));
        m.put("dispatched", b.dispatchedCount());
        m.put("peakInFlight", b.peakInFlight());
        m.put("errors", b.errors);
        m.put("ejections", b.ejectionCount());
        perBackend.add(m);
      }
      int n = backends.size();
      return new LbSimulationResult(name, requests, completed, errors, ServerStats.latencyMap(latency), perBackend,
          totalDispatched == 0 ? 0 : round(maxDispatched / ((double) totalDispatched / n)),
          sumPeak == 0 ? 0 : round(maxPeak / (sumPeak / n)),
          toFailed, retries, ejections, round(sessionAffinity.stickiness()), round(clientAffinity.stickiness()),
          panicDispatches);
    }

    private static double round(double value) {
      return Math.round(value * 10_000.0) / 10_000.0;
    }
  }
}
