package io.strategybench.delivery.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.strategybench.delivery.Event;
import io.strategybench.delivery.EventBus;
import io.strategybench.ratelimit.redis.RedisServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What both Redis fan-outs promise, against a real redis-server this class starts: bus instances on one Redis play
 * target instances; every test has a namespace of its own, so its sequence starts at 1.
 */
abstract class RedisBusContract {
  static final long DEADLINE_MILLIS = 20_000;
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  static RedisServerProcess redis;
  final List<EventBus> opened = new CopyOnWriteArrayList<>();
  final String namespace = "test:" + getClass().getSimpleName() + ":" + NAMESPACES.incrementAndGet() + ":"
      + System.nanoTime();

  /** A bus of the fan-out under test on {@code url}, in {@code ns}. */
  abstract EventBus newBus(String url, String ns, int history);

  /** What a subscriber resuming on an instance started after events k+1..n were published gets from after(). */
  abstract List<Long> expectedReplayOnNewInstance(long k, long n);

  /** A malformed id's message says this about the right form. */
  abstract String formInMessage();

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.launch();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @AfterEach
  void closeBuses() {
    opened.forEach(EventBus::close);
  }

  EventBus open() {
    return open(redis.uri(), 1000);
  }

  EventBus open(String url, int history) {
    EventBus bus = newBus(url, namespace, history);
    opened.add(bus);
    return bus;
  }

  /** A listener that records what it hears, in order; it never blocks. */
  static final class Recorder implements Consumer<Event> {
    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void accept(Event event) {
      events.add(event);
    }

    List<Long> seqs() {
      return events.stream().map(Event::seq).toList();
    }

    boolean heardData(String data) {
      return events.stream().anyMatch(e -> e.data().equals(data));
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + DEADLINE_MILLIS + " ms: " + what);
      }
      Thread.sleep(5);
    }
  }

  static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
  }

  static List<Long> range(long fromInclusive, long toInclusive) {
    return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
  }

  @Test
  void eventsPublishedOnTwoInstancesReachBothOnceEachInSeqOrder() throws Exception {
    EventBus a = open();
    EventBus b = open();
    Recorder onA = new Recorder();
    Recorder onB = new Recorder();
    a.subscribe(onA);
    b.subscribe(onB);
    List<CompletableFuture<Event>> publishes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      publishes.add((i % 2 == 0 ? a : b).publish("event " + i + " \"quoted\"\n").toCompletableFuture());
    }
    List<Event> returned = new ArrayList<>();
    for (CompletableFuture<Event> p : publishes) {
      returned.add(p.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS));
    }
    // a last event after the 200: once it is heard, a duplicate of any of the 200 would have been heard before it
    Event end = get(b.publish("end"));
    await("A and B hear the end event", () -> onA.heardData("end") && onB.heardData("end"));

    assertThat(onA.seqs()).as("A heard 1..201 once each, in order").isEqualTo(range(1, 201));
    assertThat(onB.seqs()).as("B heard 1..201 once each, in order").isEqualTo(range(1, 201));
    assertThat(returned.stream().map(Event::seq).sorted().toList()).isEqualTo(range(1, 200));
    assertThat(end.seq()).isEqualTo(201);
    List<Event> expected = new ArrayList<>(returned);
    expected.add(end);
    expected.sort((x, y) -> Long.compare(x.seq(), y.seq()));
    assertThat(onA.events).as("what A heard is what the publishers were given, field for field")
        .isEqualTo(expected);
    assertThat(onB.events).isEqualTo(expected);
    assertThat(a.stats()).containsEntry("published", 100L).containsEntry("heard", 201L)
        .containsEntry("subscribers", 1);
    assertThat(b.stats()).containsEntry("published", 101L).containsEntry("heard", 201L);
  }

  /** The pinned behaviour: a subscriber away while events k+1..n were published resumes on a new instance. */
  @Test
  void aSubscriberResumesOnAnInstanceStartedAfterItWasAway() throws Exception {
    long k = 5;
    long n = 12;
    long m = 15;
    EventBus a = open();
    EventBus b = open();
    Recorder subscriber = new Recorder();
    AutoCloseable onA = a.subscribe(subscriber);
    for (long i = 1; i <= k; i++) {
      get((i % 2 == 0 ? a : b).publish("before " + i));
    }
    await("the subscriber hears 1..k on A", () -> subscriber.events.size() == k);
    assertThat(subscriber.seqs()).isEqualTo(range(1, k));
    String lastIdItSaw = subscriber.events.get((int) k - 1).id();
    onA.close();
    a.close(); // the subscriber is away: its instance is gone

    for (long i = k + 1; i <= n; i++) {
      get(b.publish("away " + i));
    }
    EventBus c = open(); // started after those publishes: a killed instance coming back
    Recorder live = new Recorder();
    c.subscribe(live);
    List<Event> replay = get(c.after(lastIdItSaw, 1000));
    assertThat(replay.stream().map(Event::seq).toList()).as("what C replays after the last id the subscriber saw")
        .isEqualTo(expectedReplayOnNewInstance(k, n));

    for (long i = n + 1; i <= m; i++) {
      get(b.publish("live " + i));
    }
    await("C hears the live events", () -> live.heardData("live " + m));
    assertThat(live.seqs()).as("live on C: only what came after C started, once each").isEqualTo(range(n + 1, m));
  }

  @Test
  void aMalformedIdIsRefusedWithTheRightForm() throws Exception {
    EventBus bus = open();
    for (String bad : List.of("abc", "1-2-3", "-1", "12x", " 7", "1733300000000-")) {
      String problem = bus.checkId(bad);
      assertThat(problem).as("checkId('%s')", bad).isNotNull()
          .contains("event id '" + bad + "' is not one " + bus.name() + " makes").contains(formInMessage());
      try {
        get(bus.after(bad, 10));
        fail("after('" + bad + "') should fail");
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class).hasMessage(problem);
      }
    }
    assertThat(bus.checkId("a\nb")).contains("event id 'a?b'");
  }

  @Test
  void aPublishWhileRedisIsDownFailsNamingRedis() throws Exception {
    try (RedisServerProcess own = RedisServerProcess.launch()) {
      EventBus bus = open(own.uri(), 1000);
      assertThat(get(bus.publish("up")).seq()).isEqualTo(1);
      own.stop();
      try {
        get(bus.publish("down"));
        fail("a publish while Redis is down should fail");
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(bus.name() + ": Redis at " + own.uri() + " did not take the event");
      }
      assertThat(bus.stats()).containsEntry("publishFailures", 1L);
    }
  }

  @Test
  void closeEndsTheBusThreadAndLaterPublishesFail() throws Exception {
    EventBus bus = open();
    Recorder recorder = new Recorder();
    bus.subscribe(recorder);
    get(bus.publish("x"));
    await("the event is heard", () -> recorder.events.size() == 1);
    bus.close();
    assertThat(Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().endsWith(" " + namespace)).map(Thread::getName).toList())
        .as("the bus's threads after close").isEmpty();
    try {
      get(bus.publish("after close"));
      fail("a publish on a closed bus should fail");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).hasMessageContaining("is closed");
    }
    bus.close(); // a second close does nothing
  }

  @Test
  void aThrowingListenerDoesNotStopTheOthers() throws Exception {
    EventBus bus = open();
    bus.subscribe(e -> {
      throw new IllegalStateException("a listener that throws");
    });
    Recorder recorder = new Recorder();
    bus.subscribe(recorder);
    get(bus.publish("one"));
    get(bus.publish("two"));
    await("both events are heard", () -> recorder.events.size() == 2);
    assertThat(recorder.seqs()).isEqualTo(range(1, 2));
    assertThat(bus.stats()).containsEntry("listenerErrors", 2L);
  }
}
