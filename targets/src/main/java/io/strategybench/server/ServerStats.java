package io.strategybench.server;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Server-side counters and latency, for all requests and for each {@link Phase} apart. Latency is recorded in
 * nanoseconds into HdrHistogram {@link Recorder}s (wait-free for the I/O threads); readers fold interval
 * histograms into running totals, so a stats request never stalls the request path. Latency runs from a complete
 * request being decoded to the last byte of its response being handed to the socket, so for any one request it
 * is never more than what its client measured.
 */
public final class ServerStats {
  /** Highest latency tracked: 60 s; slower requests are clamped, not lost. */
  static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** One phase's counters and latency. */
  private static final class Part {
    final Recorder recorder = new Recorder(MAX_TRACKED_NANOS, 3);
    final Histogram total = new Histogram(MAX_TRACKED_NANOS, 3);
    Histogram interval;
    final LongAdder requests = new LongAdder();
    final LongAdder[] byClass = new LongAdder[6];

    Part() {
      for (int i = 0; i < byClass.length; i++) {
        byClass[i] = new LongAdder();
      }
    }

    void reset() {
      total.reset();
      requests.reset();
      for (LongAdder adder : byClass) {
        adder.reset();
      }
    }

    long responses() {
      long sum = 0;
      for (int i = 1; i < byClass.length; i++) {
        sum += byClass[i].sum();
      }
      return sum;
    }
  }

  /** What a latency log receives: one phase's interval histogram. */
  interface IntervalSink {
    void accept(Phase phase, Histogram interval);
  }

  private final EnumMap<Phase, Part> parts = new EnumMap<>(Phase.class);
  private final Histogram total = new Histogram(MAX_TRACKED_NANOS, 3);
  private IntervalSink sink;
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder badRequests = new LongAdder();
  private final LongAdder aborted = new LongAdder();
  private final LongAdder pipelineOverflows = new LongAdder();
  private final LongAdder connectionsRefused = new LongAdder();
  private volatile long resetAtNanos = System.nanoTime();
  private final long startedAtNanos = System.nanoTime();

  public ServerStats() {
    for (Phase p : Phase.values()) {
      parts.put(p, new Part());
    }
  }

  void requestStarted(Phase phase) {
    parts.get(phase).requests.increment();
  }

  void responded(Phase phase, int status, long latencyNanos) {
    Part part = parts.get(phase);
    part.byClass[Math.min(Math.max(status / 100, 0), 5)].increment();
    part.recorder.recordValue(Math.min(Math.max(latencyNanos, 0), MAX_TRACKED_NANOS));
  }

  void bytesOut(long bytes) {
    bytesOut.add(bytes);
  }

  void badRequest() {
    badRequests.increment();
  }

  void aborted() {
    aborted.increment();
  }

  void pipelineOverflow() {
    pipelineOverflows.increment();
  }

  void connectionRefused() {
    connectionsRefused.increment();
  }

  /** Receives every interval histogram folded into the totals (an HdrHistogram log writer). */
  synchronized void intervalSink(IntervalSink sink) {
    this.sink = sink;
  }

  /** Folds what was recorded since the last call into the running totals and returns a copy of all of it. */
  public synchronized Histogram latency() {
    fold();
    return total.copy();
  }

  /** The latency of one phase since the last reset. */
  public synchronized Histogram latency(Phase phase) {
    fold();
    return parts.get(phase).total.copy();
  }

  /** Takes the interval histograms from the recorders into the totals, and hands them to the sink. */
  synchronized void fold() {
    for (Map.Entry<Phase, Part> e : parts.entrySet()) {
      Part part = e.getValue();
      part.interval = part.recorder.getIntervalHistogram(part.interval);
      part.total.add(part.interval);
      total.add(part.interval);
      if (sink != null && part.interval.getTotalCount() > 0) {
        sink.accept(e.getKey(), part.interval);
      }
    }
  }

  /** Zeroes everything; the next stats cover only what happens from now on. */
  public synchronized void reset() {
    fold();
    total.reset();
    parts.values().forEach(Part::reset);
    bytesOut.reset();
    badRequests.reset();
    aborted.reset();
    pipelineOverflows.reset();
    connectionsRefused.reset();
    resetAtNanos = System.nanoTime();
  }

  /**
   * The counters and latency percentiles as a JSON-ready map, units in the names: all requests together, and
   * under {@code phases} each labelled phase that had requests.
   */
  public synchronized Map<String, Object> snapshot() {
    fold();
    long now = System.nanoTime();
    double seconds = (now - resetAtNanos) / 1e9;
    long requests = 0;
    long responses = 0;
    long[] classes = new long[6];
    Map<String, Object> phases = new LinkedHashMap<>();
    for (Map.Entry<Phase, Part> e : parts.entrySet()) {
      Part part = e.getValue();
      requests += part.requests.sum();
      responses += part.responses();
      for (int i = 1; i < classes.length; i++) {
        classes[i] += part.byClass[i].sum();
      }
      if (part.requests.sum() > 0 || part.responses() > 0) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", part.requests.sum());
        m.put("responses", part.responses());
        m.put("responsesByClass", byClass(i -> part.byClass[i].sum()));
        m.put("latency", latencyMap(part.total));
        phases.put(e.getKey().label(), m);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("uptimeSeconds", round((now - startedAtNanos) / 1e9));
    out.put("sinceResetSeconds", round(seconds));
    out.put("requests", requests);
    out.put("responses", responses);
    out.put("responsesByClass", byClass(i -> classes[i]));
    out.put("badRequests", badRequests.sum());
    out.put("abortedResponses", aborted.sum());
    out.put("pipelineOverflows", pipelineOverflows.sum());
    out.put("connectionsRefused", connectionsRefused.sum());
    out.put("bytesOut", bytesOut.sum());
    out.put("throughputRps", round(seconds > 0 ? responses / seconds : 0));
    out.put("throughputMbps", round(seconds > 0 ? bytesOut.sum() * 8 / seconds / 1e6 : 0));
    out.put("latency", latencyMap(total));
    out.put("phases", phases);
    return out;
  }

  private static Map<String, Object> byClass(java.util.function.IntToLongFunction count) {
    Map<String, Object> classes = new LinkedHashMap<>();
    for (int i = 1; i < 6; i++) {
      classes.put(i + "xx", count.applyAsLong(i));
    }
    return classes;
  }

  /** Percentiles of a nanosecond histogram, in microseconds. */
  public static Map<String, Object> latencyMap(Histogram h) {
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("count", h.getTotalCount());
    latency.put("meanMicros", micros(h.getTotalCount() == 0 ? 0 : h.getMean()));
    latency.put("p50Micros", micros(h.getValueAtPercentile(50)));
    latency.put("p90Micros", micros(h.getValueAtPercentile(90)));
    latency.put("p99Micros", micros(h.getValueAtPercentile(99)));
    latency.put("p999Micros", micros(h.getValueAtPercentile(99.9)));
    latency.put("p9999Micros", micros(h.getValueAtPercentile(99.99)));
    latency.put("maxMicros", micros(h.getMaxValue()));
    return latency;
  }

  static double micros(double nanos) {
    return Math.round(nanos / 10.0) / 100.0;
  }

  static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
