package io.strategybench.delivery;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * What the subscribers of a delivery run received, thread-safe: every channel's client hands each event it receives
 * here with its arrival time, and the publisher each event the target took.
 *
 * <p>Only the measured phase counts. It starts with {@link #measuredPhaseStarts()} (after the reset that ends the
 * warm-up); every warm-up publish has been answered by then, so an event counts when the target stamped it at or
 * after that moment: no race with the publisher's answer, and no reliance on sequence numbers surviving the reset.
 * For a measured event:
 *
 * <ul>
 *   <li>latency: arrival ({@link #nowMicros()}, the clock the target stamps events with: same machine) minus the
 *       publish stamp, microseconds, into an HdrHistogram (one interval a second into the {@code hlog} file, when
 *       there is one);
 *   <li>per subscriber, the set of sequence numbers received: a second arrival of one is a duplicate; a sequence
 *       number the publisher was answered for (every measured event should reach every subscriber) that a
 *       subscriber never received is a gap; one received but never answered to the publisher (its answer lost) is
 *       counted apart as unconfirmed.
 * </ul>
 *
 * <p>Per subscriber it also counts, in the measured phase, payload bytes (application bytes received: poll
 * bodies, the event stream's bytes, WebSocket messages' text; no HTTP headers or WebSocket framing), requests (polls,
 * or connection attempts of a push channel), connection failures (refused, an error status, a failed handshake, a
 * failed poll) and reconnects (connections, or polls, that succeeded after a drop or failure).
 *
 * <p>One recorder per JVM is {@linkplain #open opened} by the simulation ({@link #current()}); tests make their own.
 */
public final class DeliveryRecorder implements AutoCloseable {
  private static final Clock CLOCK = Clock.systemUTC();
  /** The longest latency recorded, microseconds (longer ones are recorded as this). */
  static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

  private static volatile DeliveryRecorder current;

  private final Subscriber[] subscribers;
  private final Recorder latency = new Recorder(MAX_MICROS, 3);
  private final Histogram total = new Histogram(MAX_MICROS, 3);
  private Histogram interval;
  private final BitSet published = new BitSet();
  private final AtomicLong publishFailed = new AtomicLong();
  private final AtomicLong publishLost = new AtomicLong();
  private final PrintStream hlogOut;
  private final HistogramLogWriter hlog;
  private final ScheduledExecutorService ticker;
  private volatile long measuredStartMicros;
  private volatile long finishedMicros;
  private boolean closed;

  /** A recorder for {@code subscribers} subscribers, writing no log. */
  public DeliveryRecorder(int subscribers) {
    this(subscribers, "", "");
  }

  /**
   * A recorder for {@code subscribers} subscribers, writing the latency log to {@code hlogFile} (none when empty)
   * with {@code comment} in its header.
   */
  public DeliveryRecorder(int subscribers, String hlogFile, String comment) {
    if (subscribers <= 0) {
      throw new IllegalArgumentException("subscribers must be positive, got " + subscribers);
    }
    this.subscribers = new Subscriber[subscribers];
    for (int i = 0; i < subscribers; i++) {
      this.subscribers[i] = new Subscriber();
    }
    if (hlogFile.isEmpty()) {
      hlogOut = null;
      hlog = null;
      ticker = null;
      return;
    }
    try {
      hlogOut = new PrintStream(new FileOutputStream(hlogFile), false, "UTF-8");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the delivery latency log " + hlogFile, e);
    }
    hlog = new HistogramLogWriter(hlogOut);
    hlog.outputLogFormatVersion();
    hlog.outputComment("StrategyBench event-to-client latency (arrival minus publish stamp), microseconds, " + comment);
    long now = System.currentTimeMillis();
    hlog.outputStartTime(now);
    hlog.setBaseTime(now);
    hlog.outputLegend();
    hlogOut.flush();
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "delivery-latency-log");
      t.setDaemon(true);
      return t;
    });
  }

  /** Opens this JVM's recorder (closing the one before, if any) and returns it. */
  public static synchronized DeliveryRecorder open(int subscribers, String hlogFile, String comment) {
    if (current != null) {
      current.close();
    }
    current = new DeliveryRecorder(subscribers, hlogFile, comment);
    return current;
  }

  /** This JVM's recorder ({@link #open}). */
  public static DeliveryRecorder current() {
    DeliveryRecorder r = current;
    if (r == null) {
      throw new IllegalStateException("no delivery recorder is open");
    }
    return r;
  }

  /** Now, microseconds since the epoch: the clock the target stamps events with. */
  public static long nowMicros() {
    Instant now = CLOCK.instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** How many subscribers this recorder counts for. */
  public int subscribers() {
    return subscribers.length;
  }

  /** The phase requests belong to now: {@code warmup} or {@code measured} (the {@code X-Bench-Phase} header). */
  public String phase() {
    return measuredStartMicros == 0 ? "warmup" : "measured";
  }

  /** Whether the measured phase has started. */
  public boolean measured() {
    return measuredStartMicros != 0;
  }

  /** The warm-up is over (the targets were reset): from now on events count. */
  public synchronized void measuredPhaseStarts() {
    measuredPhaseStarts(nowMicros());
  }

  /** {@link #measuredPhaseStarts()} at {@code micros} (tests). */
  synchronized void measuredPhaseStarts(long micros) {
    if (measuredStartMicros != 0 || closed) {
      return;
    }
    for (Subscriber s : subscribers) {
      synchronized (s) {
        s.seen.clear();
      }
    }
    interval = latency.getIntervalHistogram(interval); // drops anything recorded before
    measuredStartMicros = micros;
    if (ticker != null) {
      ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * The run is over: subscribers stop. The log's intervals stop too (a long poll in flight may take a while to
   * end); what arrives until {@link #close()} goes into one last interval.
   */
  public synchronized void finish() {
    if (finishedMicros == 0) {
      finishedMicros = nowMicros();
      if (ticker != null) {
        ticker.shutdown();
      }
    }
  }

  /** Whether {@link #finish()} was called. */
  public boolean finished() {
    return finishedMicros != 0;
  }

  /** Subscribers that have connected (or answered a first poll) at least once. */
  public int connectedCount() {
    int n = 0;
    for (Subscriber s : subscribers) {
      synchronized (s) {
        if (s.everConnected) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Subscriber {@code sub} received {@code event} at {@code receivedMicros}: counted when the event belongs to the
   * measured phase.
   */
  public void received(int sub, ReceivedEvent event, long receivedMicros) {
    long start = measuredStartMicros;
    if (start == 0 || event.publishedMicros() < start) {
      return;
    }
    Subscriber s = subscribers[sub];
    synchronized (s) {
      s.messages++;
      if (event.seq() > Integer.MAX_VALUE || event.seq() < 0) {
        s.outOfRange++;
      } else if (s.seen.get((int) event.seq())) {
        s.duplicates++;
      } else {
        s.seen.set((int) event.seq());
      }
    }
    latency.recordValue(Math.min(Math.max(receivedMicros - event.publishedMicros(), 0), MAX_MICROS));
  }

  /** Subscriber {@code sub} received {@code n} payload bytes. */
  public void bytes(int sub, long n) {
    if (measured()) {
      Subscriber s = subscribers[sub];
      synchronized (s) {
        s.bytes += n;
      }
    }
  }

  /** Subscriber {@code sub} sent a request: a poll, or a connection attempt. */
  public void request(int sub) {
    if (measured()) {
      Subscriber s = subscribers[sub];
      synchronized (s) {
        s.requests++;
      }
    }
  }

  /** Subscriber {@code sub} is connected (its stream open, or a poll answered). */
  public void connected(int sub) {
    Subscriber s = subscribers[sub];
    synchronized (s) {
      if (s.everConnected && s.down && measured()) {
        s.reconnects++;
      }
      s.everConnected = true;
      s.down = false;
    }
  }

  /** Subscriber {@code sub}'s connection attempt (or poll) failed. */
  public void connectFailed(int sub) {
    Subscriber s = subscribers[sub];
    synchronized (s) {
      if (measured()) {
        s.connectFailures++;
      }
      s.down = true;
    }
  }

  /** Subscriber {@code sub}'s established connection went away. */
  public void dropped(int sub) {
    Subscriber s = subscribers[sub];
    synchronized (s) {
      if (measured()) {
        s.drops++;
      }
      s.down = true;
    }
  }

  /**
   * Whether every subscriber has every measured event published so far (the drain waits for this, bounded: a
   * subscriber whose instance died catches up after it is back, and what it never gets is a gap, not a late event).
   */
  public boolean caughtUp() {
    BitSet pub;
    synchronized (published) {
      pub = (BitSet) published.clone();
    }
    for (Subscriber s : subscribers) {
      synchronized (s) {
        BitSet missing = (BitSet) pub.clone();
        missing.andNot(s.seen);
        if (!missing.isEmpty()) {
          return false;
        }
      }
    }
    return true;
  }

  /** The target took the measured event {@code seq}. */
  public void published(long seq) {
    if (seq < 0 || seq > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("sequence number out of range: " + seq);
    }
    synchronized (published) {
      published.set((int) seq);
    }
  }

  /** A measured publish was refused or failed (one instance's answer). */
  public void publishFailed() {
    publishFailed.incrementAndGet();
  }

  /** A measured event no instance took. */
  public void publishLost() {
    publishLost.incrementAndGet();
  }

  private synchronized void tick() {
    if (closed) {
      return;
    }
    interval = latency.getIntervalHistogram(interval);
    total.add(interval);
    if (hlog != null) {
      hlog.outputIntervalHistogram(interval);
      hlogOut.flush();
    }
  }

  /**
   * The figures so far (taking the latency recorded since the last interval, written to the log as a short
   * interval when the recorder is still open). {@code seconds} is the measured duration events per second are
   * reckoned over.
   */
  public synchronized Summary summary(double seconds) {
    if (!closed && measuredStartMicros != 0) {
      tick();
    }
    BitSet pub;
    synchronized (published) {
      pub = (BitSet) published.clone();
    }
    int n = subscribers.length;
    long[] delivered = new long[n];
    long[] gaps = new long[n];
    long[] duplicates = new long[n];
    long[] reconnects = new long[n];
    long[] requests = new long[n];
    long unconfirmed = 0;
    long messages = 0;
    long bytes = 0;
    long connectFailures = 0;
    long drops = 0;
    int expected = pub.cardinality();
    for (int i = 0; i < n; i++) {
      Subscriber s = subscribers[i];
      synchronized (s) {
        BitSet got = (BitSet) s.seen.clone();
        got.and(pub);
        delivered[i] = got.cardinality();
        gaps[i] = expected - delivered[i];
        BitSet extra = (BitSet) s.seen.clone();
        extra.andNot(pub);
        unconfirmed += extra.cardinality() + s.outOfRange;
        duplicates[i] = s.duplicates;
        reconnects[i] = s.reconnects;
        requests[i] = s.requests;
        messages += s.messages;
        bytes += s.bytes;
        connectFailures += s.connectFailures;
        drops += s.drops;
      }
    }
    return new Summary(n, expected, publishFailed.get(), publishLost.get(), messages, unconfirmed, bytes,
        connectFailures, drops, seconds, total.copy(), delivered, gaps, duplicates, reconnects, requests);
  }

  /** Takes the last latency interval, writes it, and closes the log. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    if (ticker != null) {
      ticker.shutdownNow();
    }
    if (measuredStartMicros != 0) {
      tick();
    }
    closed = true;
    if (hlogOut != null) {
      hlogOut.close();
    }
  }

  private static final class Subscriber {
    final BitSet seen = new BitSet();
    long messages;
    long duplicates;
    long outOfRange;
    long bytes;
    long requests;
    long reconnects;
    long connectFailures;
    long drops;
    boolean everConnected;
    boolean down;
  }

  /**
   * A run's figures.
   *
   * @param subscribers subscribers
   * @param published measured events the target took (its answer received)
   * @param publishFailed measured publishes refused or failed, counted per instance tried
   * @param publishLost measured events that no instance took
   * @param messages measured events received, duplicates included
   * @param unconfirmed measured events received whose publish answer never came
   * @param payloadBytes payload bytes received in the measured phase
   * @param connectFailures connection attempts (or polls) that failed
   * @param drops established connections that went away
   * @param seconds the measured duration
   * @param latencyMicros event-to-client latency, microseconds
   * @param delivered per subscriber: published events received
   * @param gaps per subscriber: published events never received
   * @param duplicates per subscriber: events received more than once (each extra arrival)
   * @param reconnects per subscriber
   * @param requests per subscriber: polls, or connection attempts
   */
  public record Summary(int subscribers, long published, long publishFailed, long publishLost, long messages,
      long unconfirmed, long payloadBytes, long connectFailures, long drops, double seconds, Histogram latencyMicros,
      long[] delivered, long[] gaps, long[] duplicates, long[] reconnects, long[] requests) {
    /** Sum of {@code values}. */
    static long sum(long[] values) {
      long s = 0;
      for (long v : values) {
        s += v;
      }
      return s;
    }

    /** Events delivered to all subscribers. */
    public long totalDelivered() {
      return sum(delivered);
    }

    /** Gaps over all subscribers. */
    public long totalGaps() {
      return sum(gaps);
    }

    /** Duplicates over all subscribers. */
    public long totalDuplicates() {
      return sum(duplicates);
    }

    /** The summary as JSON, with {@code channel} and the run's {@code settings} (already JSON members, or empty). */
    public String toJson(String channel, String settings) {
      StringBuilder b = new StringBuilder(512 + subscribers * 40);
      b.append("{\n  \"channel\": \"").append(channel).append("\",\n");
      if (!settings.isEmpty()) {
        b.append("  ").append(settings).append(",\n");
      }
      b.append("  \"subscribers\": ").append(subscribers).append(",\n");
      b.append("  \"published\": ").append(published).append(",\n");
      b.append("  \"publishFailed\": ").append(publishFailed).append(",\n");
      b.append("  \"publishLost\": ").append(publishLost).append(",\n");
      b.append("  \"expected\": ").append(published * subscribers).append(",\n");
      b.append("  \"delivered\": ").append(totalDelivered()).append(",\n");
      b.append("  \"duplicates\": ").append(totalDuplicates()).append(",\n");
      b.append("  \"gaps\": ").append(totalGaps()).append(",\n");
      b.append("  \"unconfirmed\": ").append(unconfirmed).append(",\n");
      b.append("  \"messages\": ").append(messages).append(",\n");
      b.append("  \"reconnects\": ").append(sum(reconnects)).append(",\n");
      b.append("  \"connectFailures\": ").append(connectFailures).append(",\n");
      b.append("  \"drops\": ").append(drops).append(",\n");
      b.append("  \"requests\": ").append(sum(requests)).append(",\n");
      b.append("  \"payloadBytes\": ").append(payloadBytes).append(",\n");
      b.append("  \"eventsPerSecond\": ").append(number(seconds > 0 ? totalDelivered() / seconds : 0)).append(",\n");
      Histogram h = latencyMicros;
      b.append("  \"latencyMillis\": {\"count\": ").append(h.getTotalCount())
          .append(", \"p50\": ").append(millis(h, 50)).append(", \"p90\": ").append(millis(h, 90))
          .append(", \"p99\": ").append(millis(h, 99)).append(", \"max\": ")
          .append(number(h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0)).append("},\n");
      b.append("  \"perSubscriber\": {\n");
      array(b, "delivered", delivered).append(",\n");
      array(b, "gaps", gaps).append(",\n");
      array(b, "duplicates", duplicates).append(",\n");
      array(b, "reconnects", reconnects).append(",\n");
      array(b, "requests", requests).append("\n  }\n}\n");
      return b.toString();
    }

    private static String millis(Histogram h, double percentile) {
      return number(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static String number(double v) {
      return String.format(Locale.ROOT, "%.3f", v);
    }

    private static StringBuilder array(StringBuilder b, String name, long[] values) {
      b.append("    \"").append(name).append("\": [");
      for (int i = 0; i < values.length; i++) {
        b.append(i == 0 ? "" : ", ").append(values[i]);
      }
      return b.append(']');
    }

    /** Writes {@link #toJson} to {@code file}. */
    public void write(Path file, String channel, String settings) {
      try {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(file, toJson(channel, settings), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
  }
}
