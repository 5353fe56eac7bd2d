package io.strategybench.scenario;

import io.gatling.javaapi.core.Session;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * What the load generator saw of the measured phase, one interval a second, in an HdrHistogram log (nanoseconds,
 * the unit of the target's own log). Every measured request lands in exactly one place:
 *
 * <ul>
 *   <li>untagged intervals: the response time of every measured request that got a response, successful or not
 *       (whole milliseconds, as Gatling times them) - the same requests the target records;
 *   <li>{@code ko}: the response time of those that failed (an unexpected status, or 0 when there was no
 *       response): their count per second is the error rate's numerator;
 *   <li>{@code noresponse}: requests that failed without any response (connection refused or reset, timeout);
 *   <li>{@code lag}: how late each measured virtual user started against the injection profile (the load
 *       generator falling behind: its requests were sent late, and the target saw a lighter, burstier load than
 *       planned).
 * </ul>
 *
 * <p>The intervals start when the first measured user does, one second apart, so interval {@code i} covers second
 * {@code i} of the measured phase (the last one is shorter). Logs from several load generators merge by adding
 * up.
 */
public final class ClientLatencyLog implements AutoCloseable {
  public static final String KO = "ko";
  public static final String NO_RESPONSE = "noresponse";
  public static final String LAG = "lag";

  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(2);

  private final Recorder all = new Recorder(MAX_NANOS, 3);
  private final Recorder ko = new Recorder(MAX_NANOS, 3);
  private final Recorder noResponse = new Recorder(MAX_NANOS, 3);
  private final Recorder lag = new Recorder(MAX_NANOS, 3);
  private final Histogram[] spare = new Histogram[4];
  private final PrintStream out;
  private final HistogramLogWriter writer;
  private final ScheduledExecutorService ticker;
  private volatile long measuredStartNanos;
  private boolean armed;
  private boolean closed;

  public ClientLatencyLog(String file, String comment) {
    try {
      out = new PrintStream(new FileOutputStream(file), false, "UTF-8");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write client latency log " + file, e);
    }
    writer = new HistogramLogWriter(out);
    writer.outputLogFormatVersion();
    writer.outputComment("StrategyBench client latency measured by Gatling, nanoseconds, " + comment);
    writer.outputComment("untagged: every measured response; ko: failed ones; noresponse: failed without a"
        + " response; lag: how late each measured user started against the injection profile");
    long now = System.currentTimeMillis();
    writer.outputStartTime(now);
    writer.setBaseTime(now);
    writer.outputLegend();
    out.flush();
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "client-latency-log");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The measured phase is about to start (the reset that ends the warm-up has been answered): what was recorded
   * before is dropped. Gatling starts the measured users a moment later; the log's seconds start with the first.
   */
  public synchronized void measuredPhaseStarts() {
    if (armed || closed) {
      return;
    }
    armed = true;
    for (Recorder r : new Recorder[] {all, ko, noResponse, lag}) {
      r.reset();
    }
  }

  /** The first measured user has started: the first second begins now. */
  private synchronized void firstUserStarted(long now) {
    if (measuredStartNanos != 0 || closed) {
      return;
    }
    measuredStartNanos = now;
    // the first interval starts now (an interval histogram begins where the one taken before it ended); nothing
    // was recorded since the reset
    for (Recorder r : new Recorder[] {all, ko, noResponse, lag}) {
      r.getIntervalHistogram();
    }
    ticker.scheduleAtFixedRate(this::writeInterval, 1, 1, TimeUnit.SECONDS);
  }

  /** When the first measured user started, by {@link System#nanoTime()}; 0 before one did. */
  public long measuredStartNanos() {
    return measuredStartNanos;
  }

  /**
   * Records a measured request once Gatling has checked it: its response time under {@code rtAttribute}
   * (absent when there was no response) and whether it failed.
   */
  public Session record(Session session, String rtAttribute) {
    boolean answered = session.contains(rtAttribute);
    long nanos = answered ? Math.min(Math.max(session.getLong(rtAttribute), 0) * 1_000_000L, MAX_NANOS) : 0;
    if (answered) {
      all.recordValue(nanos);
    } else {
      noResponse.recordValue(0);
    }
    if (session.isFailed()) {
      ko.recordValue(nanos);
      return session.markAsSucceeded().remove(rtAttribute);
    }
    return session.remove(rtAttribute);
  }

  /**
   * A feeder for a measured population whose users start as {@code injection} says: each user takes the next
   * record of {@code inner}, and how late it started against its place in the profile is recorded as lag.
   */
  public Iterator<Map<String, Object>> scheduled(Injection injection, Iterator<Map<String, Object>> inner) {
    AtomicLong users = new AtomicLong();
    // the population's plan starts when its first user does (Gatling starts a measured population a moment after
    // the reset is answered, a delay that is not the generator falling behind): lag is measured from there
    long[] origin = {0};
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        long now = System.nanoTime();
        long i = users.getAndIncrement();
        synchronized (origin) {
          if (origin[0] == 0) {
            origin[0] = now - injection.offsetNanos(0);
            firstUserStarted(now);
          }
        }
        long late = now - (origin[0] + injection.offsetNanos(i));
        lag.recordValue(Math.min(Math.max(late, 0), MAX_NANOS));
        synchronized (inner) {
          return inner.next();
        }
      }
    };
  }

  private synchronized void writeInterval() {
    if (closed) {
      return;
    }
    String[] tags = {null, KO, NO_RESPONSE, LAG};
    Recorder[] recorders = {all, ko, noResponse, lag};
    for (int i = 0; i < recorders.length; i++) {
      spare[i] = recorders[i].getIntervalHistogram(spare[i]);
      // the untagged interval is written every second, even empty: a second with no answer is a figure too
      if (i == 0 || spare[i].getTotalCount() > 0) {
        spare[i].setTag(tags[i]);
        writer.outputIntervalHistogram(spare[i]);
      }
    }
    out.flush();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    ticker.shutdownNow();
    if (measuredStartNanos != 0) {
      writeInterval();
    }
    closed = true;
    out.close();
  }
}
