package io.strategybench.scenario;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * The response times Gatling measured (whole milliseconds, as Gatling times them), recorded into an
 * HdrHistogram {@link Recorder} and written once a second as an interval to an HdrHistogram log in
 * nanoseconds, the unit of the target's own log. Logs from several load generators merge by adding up.
 */
public final class ClientLatencyLog implements AutoCloseable {
  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(2);

  private final Recorder recorder = new Recorder(MAX_NANOS, 3);
  private final PrintStream out;
  private final HistogramLogWriter writer;
  private final ScheduledExecutorService ticker;
  private Histogram interval;

  public ClientLatencyLog(String file, String comment) {
    try {
      out = new PrintStream(new FileOutputStream(file), false, "UTF-8");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write client latency log " + file, e);
    }
    writer = new HistogramLogWriter(out);
    writer.outputLogFormatVersion();
    writer.outputComment("StrategyBench client latency measured by Gatling, nanoseconds, " + comment);
    long now = System.currentTimeMillis();
    writer.outputStartTime(now);
    writer.setBaseTime(now);
    writer.outputLegend();
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "client-latency-log");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(this::writeInterval, 1, 1, TimeUnit.SECONDS);
  }

  public void recordMillis(long millis) {
    recorder.recordValue(Math.min(Math.max(millis, 0) * 1_000_000L, MAX_NANOS));
  }

  private synchronized void writeInterval() {
    interval = recorder.getIntervalHistogram(interval);
    if (interval.getTotalCount() > 0) {
      writer.outputIntervalHistogram(interval);
      out.flush();
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    writeInterval();
    out.close();
  }
}
