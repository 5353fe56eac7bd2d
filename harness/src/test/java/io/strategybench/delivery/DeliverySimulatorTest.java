package io.strategybench.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.strategybench.delivery.DeliverySimulator.Config;
import io.strategybench.delivery.DeliverySimulator.Publish;
import io.strategybench.delivery.DeliverySimulator.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.HistogramIterationValue;
import org.junit.jupiter.api.Test;

/** Each expectation is derived by hand (or computed here from the inputs), never taken from the simulator. */
class DeliverySimulatorTest {
  private static Result run(Config c) {
    return DeliverySimulator.run(c);
  }

  /**
   * One short poller, polls 1 s apart at a random phase, no delay on the wire: an event published at a uniformly
   * random moment of the 1000 s run waits for the next poll, so its staleness is U[0, T) (the run is a whole number
   * of intervals, so publish times modulo T are uniform; one subscriber, so the samples are independent).
   */
  @Test
  void shortPollStalenessIsUniformOverTheInterval() {
    double t = 1000;
    Result r = run(Config.DEFAULT.with(b -> {
      b.channel = "short-poll";
      b.subscribers = 1;
      b.eventsPerSecond = 10;
      b.durationSeconds = 1000;
      b.oneWayDelayMillis = 0;
      b.pollIntervalMillis = (long) t;
      b.seed = 42;
    }));
    long n = r.delivered();
    assertThat(n).isEqualTo(r.published()).isGreaterThan(9000);
    assertThat(r.lost() + r.duplicates()).isZero();

    double se = t / Math.sqrt(12) / Math.sqrt(n);
    assertThat(r.stalenessMeanMillis()).isCloseTo(t / 2, within(4 * se));
    // The empirical q-quantile lies between the true quantiles at q -+ 4 sqrt(q(1-q)/n) (a binomial count of the
    // samples below a point, 4 standard deviations); a reported percentile is the top of its histogram bucket
    // (3 significant digits: up to 0.1% above).
    for (double q : new double[] {0.5, 0.9}) {
      double spread = 4 * Math.sqrt(q * (1 - q) / n);
      double reported = q == 0.5 ? r.stalenessP50Millis() : r.stalenessP90Millis();
      assertThat(reported).as("p" + (int) (q * 100))
          .isBetween(t * (q - spread), t * (q + spread) * 1.001);
    }
    assertThat(r.stalenessMaxMillis()).isLessThanOrEqualTo(t);
    assertThat(r.stalenessMinMillis()).isGreaterThanOrEqualTo(0);

    // Kolmogorov-Smirnov against U[0, T], bounded from above by taking each bucket's samples at the bucket's worse
    // end: the true statistic is at most this.
    double d = 0;
    long below = 0;
    double tMicros = t * 1000;
    for (HistogramIterationValue v : r.stalenessMicros().recordedValues()) {
      long lo = r.stalenessMicros().lowestEquivalentValue(v.getValueIteratedTo());
      long hi = r.stalenessMicros().highestEquivalentValue(v.getValueIteratedTo());
      long above = below + v.getCountAtValueIteratedTo();
      d = Math.max(d, (double) above / n - Math.min(1, lo / tMicros));
      d = Math.max(d, Math.min(1, hi / tMicros) - (double) below / n);
      below = above;
    }
    assertThat(below).isEqualTo(n);
    assertThat(d).as("KS statistic, n = %d", n).isLessThan(1.63 / Math.sqrt(n));
  }

  /**
   * N short pollers each poll every T whatever the rate: over a run of R seconds each polls floor((R - phase) / T)
   * + 1 times, within 1 of R / T, so requests per second are within N / R (R at least the duration) of N / T.
   */
  @Test
  void shortPollRequestsDependOnTheIntervalNotTheRate() {
    int n = 20;
    double duration = 20;
    for (double rate : new double[] {0.1, 10, 1000}) {
      Result r = run(Config.DEFAULT.with(b -> {
        b.channel = "short-poll";
        b.subscribers = n;
        b.eventsPerSecond = rate;
        b.durationSeconds = duration;
        b.pollIntervalMillis = 1000;
        b.oneWayDelayMillis = 5;
      }));
      assertThat(r.requestsPerSecond()).as("at %s events/s", rate).isCloseTo(n / 1.0, within(n / duration + 1));
      assertThat(r.lost() + r.duplicates()).isZero();
      assertThat(r.connectionsHeldMean()).as("a poll is held for one 10 ms round trip: N x 10 ms / 1 s")
          .isCloseTo(n * 0.010, within(n * 0.010 * 0.2));
    }
  }

  /**
   * Long polls at 0.2 events/s with a 30 s timeout: each subscriber sends one first request and one more per answer;
   * answers are the events (less those batched with an earlier one, which needs two within a 2 ms round trip:
   * expected 200 x 0.0004 = 0.08) plus the timeouts (a gap between events, exponential with mean 5 s, holds
   * floor(gap / 30 s) of them: expected q / (1 - q) per gap, q = e^-6). At 500 events/s with 5 ms one way, a
   * request always finds events waiting but the first (P = 1 - e^-5): one answer per 10 ms round trip (plus, with
   * probability e^-5, an exponential wait of 2 ms), so 100 requests/s against 500 events/s: 0.2 per event.
   */
  @Test
  void longPollSendsAboutOneRequestPerEventAtLowRatesAndBatchesAtHighRates() {
    int n = 5;
    Result low = run(Config.DEFAULT.with(b -> {
      b.channel = "long-poll";
      b.subscribers = n;
      b.eventsPerSecond = 0.2;
      b.durationSeconds = 1000;
      b.oneWayDelayMillis = 1;
      b.longPollTimeoutMillis = 30_000;
      b.seed = 7;
    }));
    long events = low.published();
    assertThat(events).isBetween(150L, 250L);
    double q = Math.exp(-0.2 * 30);
    double timeouts = (events + 1) * q / (1 - q);
    double perEventPerSubscriber = (double) low.requests() / (events * n);
    assertThat(perEventPerSubscriber)
        .isBetween(1.0, 1 + (1 + timeouts + 4 * Math.sqrt(Math.max(1, timeouts))) / events);
    assertThat(low.lost() + low.duplicates()).isZero();
    assertThat(low.stalenessMaxMillis()).as("an event is answered on a held request: one way").isEqualTo(1.0);
    assertThat(low.connectionsHeldMean()).as("a long poll is held nearly all the time").isBetween(n * 0.99, n * 1.0);

    Result high = run(Config.DEFAULT.with(b -> {
      b.channel = "long-poll";
      b.subscribers = n;
      b.eventsPerSecond = 500;
      b.durationSeconds = 10;
      b.oneWayDelayMillis = 5;
      b.longPollTimeoutMillis = 30_000;
    }));
    double cycleMillis = 10 + Math.exp(-5) * 2;
    double expected = 1000 / cycleMillis / 500;
    assertThat((double) high.requests() / (high.published() * n)).isCloseTo(expected, within(0.01));
    assertThat(high.lost() + high.duplicates()).isZero();
  }

  /** A stream sends each event as it reaches the instance: one way late, plus the hop from another instance. */
  @Test
  void streamsDeliverOneWayLateOnOneConnectionEach() {
    for (String channel : new String[] {"sse", "websocket"}) {
      int n = 10;
      Result r = run(Config.DEFAULT.with(b -> {
        b.channel = channel;
        b.subscribers = n;
        b.eventsPerSecond = 50;
        b.durationSeconds = 10;
        b.oneWayDelayMillis = 7;
      }));
      assertThat(r.delivered()).isEqualTo(r.published() * n);
      assertThat(r.lost() + r.duplicates()).isZero();
      assertThat(List.of(r.stalenessMinMillis(), r.stalenessMaxMillis(), r.stalenessMeanMillis()))
          .containsOnly(7.0);
      assertThat(r.requests()).isEqualTo(n);
      assertThat(r.connectionsHeldMean()).isCloseTo(n, within(1e-9));
      assertThat(r.connectionsHeldPeak()).isEqualTo(n);

      // Three instances, three subscribers each, events 100 ms apart (more than the hop: nothing waits for an
      // earlier event): each event reaches 3 subscribers one way late, 6 one way plus the hop late.
      SplittableRandom random = new SplittableRandom(3);
      List<Publish> publishes = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        publishes.add(new Publish(i * 100 + random.nextDouble() * 50, random.nextInt(3)));
      }
      Result spread = run(Config.DEFAULT.with(b -> {
        b.channel = channel;
        b.fanout = "redis-pubsub";
        b.subscribers = 9;
        b.instances = 3;
        b.durationSeconds = 10;
        b.oneWayDelayMillis = 7;
        b.publishHopMillis = 4;
        b.publishes = publishes;
      }));
      assertThat(spread.delivered()).isEqualTo(100 * 9);
      assertThat(spread.stalenessMinMillis()).isEqualTo(7.0);
      assertThat(spread.stalenessMaxMillis()).isEqualTo(11.0);
      assertThat(spread.stalenessMeanMillis()).isCloseTo(7 + 4 * 6 / 9.0, within(1e-9));
    }
  }

  /**
   * WebSocket bytes by hand: each subscriber's upgrade (120 + 100 byte heads), then per event a 2-byte frame header
   * (payload up to 125 bytes) and the event's JSON: {@code {"id":"S","seq":S,"published":P,"data":"D"}} is 39 bytes
   * of fixed text ({@code {"id":"}, {@code ","seq":}, {@code ,"published":}, {@code ,"data":"}, the closing two), the sequence number's digits twice, a 16-digit publish time and the data.
   */
  @Test
  void webSocketBytesAreTheUpgradesAndEachEventsFrame() {
    int n = 2;
    Result r = run(Config.DEFAULT.with(b -> {
      b.channel = "websocket";
      b.subscribers = n;
      b.eventsPerSecond = 50;
      b.durationSeconds = 10;
      b.eventDataBytes = 50;
    }));
    assertThat(r.published()).isBetween(100L, 999L);
    long expected = n * (120 + 100);
    for (long seq = 1; seq <= r.published(); seq++) {
      expected += n * (2 + 39 + 2 * Long.toString(seq).length() + 16 + 50);
    }
    assertThat(r.bytes()).isEqualTo(expected);
    assertThat(r.bytesPerDeliveredEvent()).isCloseTo((double) expected / (r.published() * n), within(1e-9));
  }

  /** Test-made Poisson publishes at {@code rate} per second on random instances over {@code seconds}. */
  private static List<Publish> poisson(double rate, double seconds, int instances, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Publish> out = new ArrayList<>();
    double t = 0;
    while (true) {
      t += -StrictMath.log(1 - random.nextDouble()) / rate * 1000;
      if (t >= seconds * 1000) {
        return out;
      }
      out.add(new Publish(t, random.nextInt(instances)));
    }
  }

  private static long us(double millis) {
    return Math.round(millis * 1000);
  }

  /**
   * Instance 1 of 3 dies at 5 s for 2 s; its subscribers come back 1 s after it. With redis-streams they resume from
   * Redis: nothing lost. With redis-pubsub the restarted instance holds only what reached it since it restarted, so
   * each of its subscribers loses exactly the events that reached instance 1 from one way before the crash (sent,
   * cut with the connection) until the restart: computed here from the publish list (publishes that fall on the dead
   * instance go elsewhere, so they come with the hop; an instance hears events in order).
   */
  @Test
  void anOutageLosesWhatTheFanoutCannotReplay() {
    List<Publish> publishes = poisson(50, 20, 3, 11);
    double owd = 10;
    double hop = 3;
    double start = 5_000;
    long down = 2_000;
    Config base = Config.DEFAULT.with(b -> {
      b.subscribers = 9;
      b.instances = 3;
      b.durationSeconds = 20;
      b.oneWayDelayMillis = owd;
      b.publishHopMillis = hop;
      b.reconnectMillis = 1000;
      b.publishes = publishes;
      b.outage(1, start / 1000, down);
    });

    for (String channel : DeliverySimulator.CHANNELS) {
      Result r = run(base.with(b -> {
        b.channel = channel;
        b.fanout = "redis-streams";
      }));
      assertThat(r.published()).as(channel).isEqualTo(publishes.size());
      assertThat(r.lost()).as(channel).isZero();
      assertThat(r.duplicates()).as(channel).isZero();
      assertThat(r.delivered()).as(channel).isEqualTo(publishes.size() * 9L);
      assertThat(r.stalenessMaxMillis()).as(channel + ": missed events arrive after the outage")
          .isGreaterThan(down);
    }

    long lostEach = 0;
    long previous = Long.MIN_VALUE;
    for (Publish p : publishes) {
      long at = us(p.atMillis());
      boolean rerouted = at >= us(start) && at < us(start) + down * 1000;
      long arrival = Math.max(at + (p.instance() == 1 && !rerouted ? 0 : us(hop)), previous);
      previous = arrival;
      if (arrival >= us(start) - us(owd) && arrival < us(start) + down * 1000) {
        lostEach++;
      }
    }
    assertThat(lostEach).isGreaterThan(50);
    for (String channel : new String[] {"sse", "websocket"}) {
      Result r = run(base.with(b -> {
        b.channel = channel;
        b.fanout = "redis-pubsub";
      }));
      assertThat(r.publishFailed()).isZero();
      assertThat(r.lostByInstance()).as(channel).containsExactly(0L, 3 * lostEach, 0L);
      assertThat(r.lost()).as(channel).isEqualTo(3 * lostEach);
      assertThat(r.duplicates()).as(channel).isZero();
    }

    // One instance with local fan-out: publishes while it is dead fail; what it had sent within one way of the
    // crash was cut with the connection and its history died with it.
    List<Publish> one = poisson(50, 20, 1, 12);
    long failed = one.stream().filter(p -> us(p.atMillis()) >= us(start)
        && us(p.atMillis()) < us(start) + down * 1000).count();
    long cut = one.stream().filter(p -> us(p.atMillis()) >= us(start) - us(owd)
        && us(p.atMillis()) < us(start)).count();
    Result r = run(base.with(b -> {
      b.channel = "sse";
      b.fanout = "local";
      b.instances = 1;
      b.subscribers = 4;
      b.publishHopMillis = 0;
      b.publishes = one;
      b.outage(0, start / 1000, down);
    }));
    assertThat(failed).isGreaterThan(50);
    assertThat(r.publishFailed()).isEqualTo(failed);
    assertThat(r.published()).isEqualTo(one.size() - failed);
    assertThat(r.lost()).isEqualTo(4 * cut);
    assertThat(r.duplicates()).isZero();
  }

  /** Local fan-out on two instances: a subscriber hears only its own instance's events; the rest are lost. */
  @Test
  void localFanoutLosesOtherInstancesEvents() {
    Result r = run(Config.DEFAULT.with(b -> {
      b.subscribers = 4;
      b.instances = 2;
      b.eventsPerSecond = 20;
      b.durationSeconds = 10;
    }));
    assertThat(r.lost()).isEqualTo(r.lostToFanout()).isPositive();
    assertThat(r.delivered() + r.lost()).isEqualTo(r.published() * 4);
    assertThat(r.lost()).as("half of each event's 4 subscribers, on average").isCloseTo(r.published() * 2,
        within(r.published() * 2 / 5));
  }

  /**
   * A webhook answered 500, 500, 200 with retries 1 s then 2 s later: attempt 1 reaches the receiver one way after
   * the publish, its answer one more way later; attempt 2 leaves 1 s after that (arrives at 3 owd + 1 s, answered
   * 4 owd + 1 s), attempt 3 leaves 2 s later and arrives at 5 owd + 3 s: the staleness of every delivery.
   */
  @Test
  void webhooksRetryByTheScheduleAndDeadLetterWhenAttemptsRunOut() {
    double owd = 20;
    int n = 3;
    Config base = Config.DEFAULT.with(b -> {
      b.channel = "webhook";
      b.subscribers = n;
      b.eventsPerSecond = 2;
      b.durationSeconds = 10;
      b.oneWayDelayMillis = owd;
      b.retryDelayMillis = a -> 1000L << (a - 1);
      b.maxAttempts = 5;
    });
    Result r = run(base.with(b -> b.webhookResults = List.of(500, 500, 200)));
    assertThat(r.published()).isPositive();
    assertThat(r.delivered()).isEqualTo(r.published() * n);
    assertThat(r.deadLettered() + r.lost() + r.duplicates()).isZero();
    double expected = 5 * owd + 1000 + 2000;
    assertThat(List.of(r.stalenessMinMillis(), r.stalenessMaxMillis(), r.stalenessMeanMillis()))
        .containsOnly(expected);
    assertThat(r.requests()).isEqualTo(3 * r.published() * n);

    Result dead = run(base.with(b -> {
      b.webhookResults = List.of(500);
      b.maxAttempts = 3;
    }));
    assertThat(dead.deadLettered()).isEqualTo(dead.published() * n);
    assertThat(dead.delivered()).isZero();
    assertThat(dead.delivered() + dead.deadLettered()).isEqualTo(dead.published() * n);
    assertThat(dead.lost()).isZero();
    assertThat(dead.requests()).isEqualTo(3 * dead.published() * n);
  }

  @Test
  void theSameSeedGivesTheSameResult() {
    for (String channel : DeliverySimulator.CHANNELS) {
      Config c = Config.DEFAULT.with(b -> {
        b.channel = channel;
        b.fanout = "redis-pubsub";
        b.subscribers = 12;
        b.instances = 3;
        b.eventsPerSecond = 40;
        b.durationSeconds = 10;
        b.publishHopMillis = 2;
        b.webhookResults = List.of(503, 200);
        b.outage(2, 3, 1500);
        b.seed = 99;
      });
      Result a = run(c);
      assertThat(run(c)).as(channel).isEqualTo(a);
      assertThat(run(c.with(b -> b.seed = 100))).as(channel).isNotEqualTo(a);
    }
  }
}
