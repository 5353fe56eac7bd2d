package io.strategybench.run;

import io.strategybench.results.Bootstrap;
import io.strategybench.results.Bootstrap.Interval;
import io.strategybench.report.HistogramLogs;
import io.strategybench.scenario.ClientLatencyLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;

/**
 * The measured phase of a load step second by second, read back from a client latency log
 * ({@link ClientLatencyLog}): each second's response times, failures and answers, and the generator's lag; the
 * figures of the whole phase and a 95% interval for each ({@link Bootstrap}).
 */
final class LoadWindow {
  /** One second (the last may be shorter). */
  record Second(long startMillis, long endMillis, Histogram latency, long ko, long noResponse, Histogram lag) {
    double seconds() {
      return Math.max(1e-3, (endMillis - startMillis) / 1000.0);
    }

    long requests() {
      return latency.getTotalCount() + noResponse;
    }
  }

  final List<Second> seconds;
  final Histogram latency = new Histogram(3);
  final Histogram lag = new Histogram(3);

  private LoadWindow(List<Second> seconds, Histogram lag) {
    this.seconds = seconds;
    seconds.forEach(s -> latency.add(s.latency()));
    this.lag.add(lag);
  }

  /** A window of these seconds (for tests and tools that build them). */
  static LoadWindow of(List<Second> seconds) {
    Histogram lag = new Histogram(3);
    seconds.forEach(s -> lag.add(s.lag()));
    return new LoadWindow(seconds, lag);
  }

  /** The log's seconds; none when the file is missing. */
  static LoadWindow read(Path clientLog) {
    List<Histogram> all = new ArrayList<>();
    Map<Long, long[]> ko = new LinkedHashMap<>();
    Histogram lag = new Histogram(3);
    Map<Long, Histogram> lagBySecond = new LinkedHashMap<>();
    try {
      HistogramLogs.forEach(clientLog, tag -> true, h -> {
        String tag = h.getTag() == null ? "" : h.getTag();
        // intervals of one second share its end time stamp
        long end = h.getEndTimeStamp();
        switch (tag) {
          case "" -> all.add(h);
          case ClientLatencyLog.KO -> ko.computeIfAbsent(end, k -> new long[2])[0] += h.getTotalCount();
          case ClientLatencyLog.NO_RESPONSE -> ko.computeIfAbsent(end, k -> new long[2])[1] += h.getTotalCount();
          case ClientLatencyLog.LAG -> {
            lag.add(h);
            lagBySecond.put(end, h);
          }
          default -> { }
        }
      });
    } catch (RuntimeException ex) {
      // a line being written (a log read while its run goes on): the seconds before it stand
    }
    List<Second> seconds = new ArrayList<>();
    for (Histogram h : all) {
      long[] k = ko.getOrDefault(h.getEndTimeStamp(), new long[2]);
      seconds.add(new Second(h.getStartTimeStamp(), h.getEndTimeStamp(), h, k[0], k[1],
          lagBySecond.getOrDefault(h.getEndTimeStamp(), new Histogram(3))));
    }
    return new LoadWindow(seconds, lag);
  }

  boolean isEmpty() {
    return seconds.isEmpty();
  }

  long requests() {
    return seconds.stream().mapToLong(Second::requests).sum();
  }

  long ko() {
    return seconds.stream().mapToLong(Second::ko).sum();
  }

  long noResponse() {
    return seconds.stream().mapToLong(Second::noResponse).sum();
  }

  long startMillis() {
    return seconds.isEmpty() ? 0 : seconds.get(0).startMillis();
  }

  long endMillis() {
    return seconds.isEmpty() ? 0 : seconds.get(seconds.size() - 1).endMillis();
  }

  /** The response-time percentiles of the phase, in milliseconds. */
  Map<String, Object> latencyMillis() {
    Map<String, Object> m = new LinkedHashMap<>();
    long count = latency.getTotalCount();
    if (count == 0) {
      return m; // nothing answered: no latency to report
    }
    m.put("minMillis", millis(latency.getMinValue()));
    m.put("p50Millis", millis(latency.getValueAtPercentile(50)));
    m.put("p90Millis", millis(latency.getValueAtPercentile(90)));
    m.put("p99Millis", millis(latency.getValueAtPercentile(99)));
    m.put("p999Millis", millis(latency.getValueAtPercentile(99.9)));
    m.put("maxMillis", millis(latency.getMaxValue()));
    m.put("meanMillis", Math.round(latency.getMean() / 1e4) / 1e2);
    return m;
  }

  /**
   * Repeatability intervals of the phase's figures ({@link Bootstrap}): {@code errorRate} (failed over all requests,
   * by second, and never narrower than a repeat's Poisson count of the failures), then {@code throughputRps}: in an
   * open model the arrivals are the plan's, so the successful answers per second vary only with the share that
   * failed, {@code requests / plannedSeconds × (1 − error rate)}; {@code p50Millis} and {@code p99Millis}, with the
   * client's 1 ms resolution. Each holds its point.
   */
  Map<String, Interval> intervals(double plannedSeconds, long plannedRequests, double throughput, double errorRate) {
    Map<String, Interval> out = new LinkedHashMap<>();
    int n = seconds.size();
    double[] failed = new double[n];
    double[] requests = new double[n];
    long failures = 0;
    long all = 0;
    for (int i = 0; i < n; i++) {
      Second s = seconds.get(i);
      failed[i] = s.ko();
      requests[i] = s.requests();
      failures += s.ko();
      all += s.requests();
    }
    Interval errors = Bootstrap.union(Bootstrap.repeat(Bootstrap.ratio(failed, requests, 1, errorRate), errorRate, 0, 0,
        1), Bootstrap.poissonRepeat(failures, all, n)).holding(errorRate);
    double offered = plannedSeconds > 0 ? plannedRequests / plannedSeconds : 0;
    out.put("throughputRps", new Interval(offered * (1 - errors.high()), offered * (1 - errors.low()), n)
        .holding(throughput));
    out.put("errorRate", errors);
    Bootstrap.Blocks blocks = Bootstrap.Blocks.of(seconds.stream().map(Second::latency).toList());
    for (int p : new int[] {50, 99}) {
      double point = millis(latency.getValueAtPercentile(p));
      out.put("p" + p + "Millis", whole(Bootstrap.repeat(blocks.percentile(p, 1e6, point), point, 1, 0,
          Double.MAX_VALUE)));
    }
    return out;
  }

  private static Interval whole(Interval i) {
    return new Interval(Math.round(i.low()), Math.round(i.high()), i.blocks());
  }

  /** Per-second figures of a server latency log's measured intervals, for the server's intervals. */
  static List<Histogram> serverSeconds(Path serverLog, Predicate<String> keep) {
    List<Histogram> out = new ArrayList<>();
    try {
      HistogramLogs.forEach(serverLog, keep, out::add);
    } catch (RuntimeException ex) {
      return out; // what was read before a line being written
    }
    return out;
  }

  /** Whole milliseconds: the client's resolution (Gatling times in whole milliseconds). */
  static double millis(double nanos) {
    return Math.round(nanos / 1e6);
  }
}
