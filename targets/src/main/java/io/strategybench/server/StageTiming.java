package io.strategybench.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one stage of the pipeline did to the requests that reached it, server-side: how many entered it, how many
 * it passed to the next stage and how many it answered itself, and the nanoseconds it held them - until it passed
 * a request on (the latency it adds in front of the rest), or until its own answer was complete (for the last
 * stage that includes its backend). Counts measured and unlabelled requests only: warm-up and side traffic are
 * left out, as in the run's figures. Wait-free on the I/O threads (HdrHistogram {@link Recorder}s).
 */
public final class StageTiming {
  private final String stage;
  private final LongAdder entered = new LongAdder();
  private final LongAdder passed = new LongAdder();
  private final LongAdder answered = new LongAdder();
  private final Recorder passRecorder = new Recorder(ServerStats.MAX_TRACKED_NANOS, 3);
  private final Recorder answerRecorder = new Recorder(ServerStats.MAX_TRACKED_NANOS, 3);
  private final Histogram passTotal = new Histogram(ServerStats.MAX_TRACKED_NANOS, 3);
  private final Histogram answerTotal = new Histogram(ServerStats.MAX_TRACKED_NANOS, 3);
  private Histogram passInterval;
  private Histogram answerInterval;

  StageTiming(String stage) {
    this.stage = stage;
  }

  static boolean counts(Phase phase) {
    return phase == Phase.MEASURED || phase == Phase.UNLABELLED;
  }

  void entered() {
    entered.increment();
  }

  void passed(long heldNanos) {
    passed.increment();
    passRecorder.recordValue(clamp(heldNanos));
  }

  void answered(long heldNanos) {
    answered.increment();
    answerRecorder.recordValue(clamp(heldNanos));
  }

  private static long clamp(long nanos) {
    return Math.min(Math.max(nanos, 0), ServerStats.MAX_TRACKED_NANOS);
  }

  synchronized void reset() {
    fold();
    passTotal.reset();
    answerTotal.reset();
    entered.reset();
    passed.reset();
    answered.reset();
  }

  private void fold() {
    passInterval = passRecorder.getIntervalHistogram(passInterval);
    passTotal.add(passInterval);
    answerInterval = answerRecorder.getIntervalHistogram(answerInterval);
    answerTotal.add(answerInterval);
  }

  /**
   * {@code stage}, {@code entered}, {@code passed}, {@code answered}; {@code passLatency} (held before passing
   * on) and {@code answerLatency} (held until its own answer was complete), in microseconds.
   */
  public synchronized Map<String, Object> snapshot() {
    fold();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("stage", stage);
    out.put("entered", entered.sum());
    out.put("passed", passed.sum());
    out.put("answered", answered.sum());
    out.put("passLatency", ServerStats.latencyMap(passTotal));
    out.put("answerLatency", ServerStats.latencyMap(answerTotal));
    return out;
  }
}
