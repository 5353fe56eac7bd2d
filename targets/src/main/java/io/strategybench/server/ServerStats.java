package io.strategybench.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Server-side counters and latency. Latency is recorded in nanoseconds into an HdrHistogram
 * {@link Recorder} (wait-free for the I/O threads); readers fold interval histograms into a running total,
 * so a stats request never stalls the request path. Latency runs from a complete request being decoded to
 * the last byte of its response being handed to the socket.
 */
public final class ServerStats {
  /** Highest latency tracked: 60 s; slower requests are clamped, not lost. */
  static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Recorder recorder = new Recorder(MAX_TRACKED_NANOS, 3);
  private final Histogram total = new Histogram(MAX_TRACKED_NANOS, 3);
  private Histogram interval;
  private java.util.function.Consumer<Histogram> sink;
  private final LongAdder requests = new LongAdder();
  private final LongAdder[] byClass = new LongAdder[6];
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder badRequests = new LongAdder();
  private final LongAdder aborted = new LongAdder();
  private volatile long resetAtNanos = System.nanoTime();
  private final long startedAtNanos = System.nanoTime();

  public ServerStats() {
    for (int i = 0; i < byClass.length; i++) {
      byClass[i] = new LongAdder();
    }
  }

  void requestStarted() {
    requests.increment();
  }

  void responded(int status, long latencyNanos) {
    byClass[Math.min(Math.max(status / 100, 0), 5)].increment();
    recorder.recordValue(Math.min(Math.max(latencyNanos, 0), MAX_TRACKED_NANOS));
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

  /** Receives every interval histogram folded into the total (an HdrHistogram log writer). */
  synchronized void intervalSink(java.util.function.Consumer<Histogram> sink) {
    this.sink = sink;
  }

  /** Folds what was recorded since the last call into the running total and returns a copy of it. */
  public synchronized Histogram latency() {
    fold();
    return total.copy();
  }

  /** Takes the interval histogram from the recorder into the total, and hands it to the sink. */
  synchronized void fold() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    if (sink != null && interval.getTotalCount() > 0) {
      sink.accept(interval);
    }
  }

  /** Zeroes everything; the next stats cover only what happens from now on. */
  public synchronized void reset() {
    fold();
    total.reset();
    requests.reset();
    for (LongAdder adder : byClass) {
      adder.reset();
    }
    bytesOut.reset();
    badRequests.reset();
    aborted.reset();
    resetAtNanos = System.nanoTime();
  }

  /** The counters and latency percentiles as a JSON-ready map, units in the names. */
  public Map<String, Object> snapshot() {
    Histogram h = latency();
    long now = System.nanoTime();
    double seconds = (now - resetAtNanos) / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("uptimeSeconds", round((now - startedAtNanos) / 1e9));
    out.put("sinceResetSeconds", round(seconds));
    out.put("requests", requests.sum());
    long responses = 0;
    Map<String, Object> classes = new LinkedHashMap<>();
    for (int i = 1; i < byClass.length; i++) {
      long count = byClass[i].sum();
      responses += count;
      classes.put(i + "xx", count);
    }
    out.put("responses", responses);
    out.put("responsesByClass", classes);
    out.put("badRequests", badRequests.sum());
    out.put("abortedResponses", aborted.sum());
    out.put("bytesOut", bytesOut.sum());
    out.put("throughputRps", round(seconds > 0 ? responses / seconds : 0));
    out.put("throughputMbps", round(seconds > 0 ? bytesOut.sum() * 8 / seconds / 1e6 : 0));
    out.put("latency", latencyMap(h));
    return out;
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
