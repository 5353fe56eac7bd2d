package io.strategybench.delivery.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.strategybench.delivery.Event;
import io.strategybench.delivery.EventBus;
import io.strategybench.ratelimit.redis.RedisServerProcess;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code redis-streams} against a real redis-server: the contract, replay from Redis, trimming and a restart. */
class RedisStreamsBusTest extends RedisBusContract {
  @Override
  EventBus newBus(String url, String ns, int history) {
    return new RedisStreamsBus(url, ns, history, 2000);
  }

  /** Any instance replays from the stream: exactly what the subscriber missed. */
  @Override
  List<Long> expectedReplayOnNewInstance(long k, long n) {
    return range(k + 1, n);
  }

  @Override
  String formInMessage() {
    return "a stream entry id MILLIS-SEQ, e.g. 1733300000000-0";
  }

  @Test
  void theEventIdIsTheStreamEntryIdAndAnyInstanceReplaysTheStream() throws Exception {
    EventBus a = open();
    Event first = get(a.publish("one"));
    Event second = get(a.publish("two"));
    assertThat(a.checkId(first.id())).as("the id '%s' is an entry id", first.id()).isNull();
    assertThat(first.seq()).isEqualTo(1);
    EventBus later = open(); // opened after both: replays them from Redis
    assertThat(get(later.after(null, 10))).containsExactly(first, second);
    assertThat(get(later.after("0-0", 10))).containsExactly(first, second);
    assertThat(get(later.after(first.id(), 10))).containsExactly(second);
    assertThat(get(later.after(first.id(), 0))).isEmpty();
    assertThat(get(later.after(second.id(), 10))).isEmpty();
    assertThat(later.stats()).containsEntry("held", 2L).containsEntry("trimmedResumes", 0L);
  }

  @Test
  void idsOfTheFormAreTakenUpToUnsigned64Bits() {
    EventBus bus = open();
    assertThat(bus.checkId("0-0")).isNull();
    assertThat(bus.checkId("1733300000000-0")).isNull();
    assertThat(bus.checkId("18446744073709551615-18446744073709551615")).isNull();
    assertThat(bus.checkId("18446744073709551616-0")).contains("is not one redis-streams makes");
    assertThat(bus.checkId("1-18446744073709551616")).contains("is not one redis-streams makes");
    assertThat(bus.checkId("42")).isEqualTo("event id '42' is not one redis-streams makes: a stream entry id"
        + " MILLIS-SEQ, e.g. 1733300000000-0 (two unsigned 64-bit decimal numbers)");
  }

  @Test
  void aResumeFromATrimmedIdReplaysWhatIsThereAndCountsTheGap() throws Exception {
    EventBus bus = open(redis.uri(), 10);
    Event first = null;
    for (int i = 1; i <= 500; i++) {
      Event e = get(bus.publish("e" + i));
      if (i == 1) {
        first = e;
      }
    }
    List<Event> replay = get(bus.after(first.id(), 1000));
    List<Long> seqs = replay.stream().map(Event::seq).toList();
    assertThat(seqs).as("MAXLEN ~ 10 trimmed the start; the rest, to the end, in order").isNotEmpty()
        .isEqualTo(range(seqs.get(0), 500));
    assertThat(seqs.get(0)).as("a gap: event 2 was trimmed").isGreaterThan(2);
    assertThat(bus.stats()).containsEntry("trimmedResumes", 1L);
    assertThat(get(bus.after(replay.get(0).id(), 1000))).hasSize(replay.size() - 1);
    assertThat(bus.stats()).as("an id still held is no gap").containsEntry("trimmedResumes", 1L);
  }

  @Test
  void theReaderResumesAfterARedisRestartAndAPublishWhileDownFails() throws Exception {
    try (RedisServerProcess own = RedisServerProcess.launch()) {
      EventBus bus = open(own.uri(), 1000);
      Recorder recorder = new Recorder();
      bus.subscribe(recorder);
      get(bus.publish("before"));
      await("the event before the restart is heard", () -> recorder.heardData("before"));

      own.stop();
      long start = System.nanoTime();
      try {
        bus.publish("while down").toCompletableFuture().get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        fail("a publish while Redis is down should fail");
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("Redis at " + own.uri());
      }
      own.start();
      // publish until Redis takes one (the connection comes back within about a second)
      Event after = null;
      while (after == null) {
        try {
          after = bus.publish("after").toCompletableFuture().get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS)) {
            throw e;
          }
          Thread.sleep(20);
        }
      }
      await("the reader hears the event after the restart", () -> recorder.heardData("after"));
      assertThat(recorder.events.stream().map(Event::data).toList()).containsExactly("before", "after");
      assertThat(after.seq()).as("a Redis without persistence came back empty").isEqualTo(1);
      await("the reader's connection counted its reconnect", () -> (Long) bus.stats().get("reconnects") >= 1);
    }
  }

  @Test
  void theReaderHearsEventsPublishedRightAfterItOpened() throws Exception {
    EventBus publisher = open();
    get(publisher.publish("old"));
    EventBus reader = open();
    Recorder recorder = new Recorder();
    reader.subscribe(recorder);
    Event next = get(publisher.publish("new"));
    await("the new event is heard", () -> recorder.heardData("new"));
    assertThat(recorder.events).containsExactly(next);
  }
}
