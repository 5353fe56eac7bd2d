package io.strategybench.delivery;

import java.time.Clock;
import java.time.Instant;

/**
 * One event as every channel delivers it: its id (what a client resumes from: {@code Last-Event-ID}, {@code after=}),
 * its sequence number in the whole system (gaps and duplicates are counted by it, per subscriber), when it was
 * published (microseconds since the epoch, on this machine's clock: publisher and subscribers share it, so
 * event-to-client latency is one clock's difference) and its data (UTF-8 text, usually JSON).
 *
 * @param id the fan-out's id: the sequence number as text ({@code local}, {@code redis-pubsub}) or the Redis stream
 *     entry id ({@code 1733300000000-0}, {@code redis-streams})
 * @param seq 1, 2, 3, ... over every event published into the system, whichever instance took it
 * @param publishedMicros publish time, microseconds since the epoch
 * @param data the event's payload
 */
public record Event(String id, long seq, long publishedMicros, String data) {
  private static final Clock CLOCK = Clock.systemUTC();

  public Event {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("an event needs an id");
    }
    if (data == null) {
      throw new IllegalArgumentException("an event needs data (it may be empty)");
    }
  }

  /** Now, in microseconds since the epoch (the clock events are stamped with and latency is measured on). */
  public static long nowMicros() {
    Instant now = CLOCK.instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** The event as one JSON object: {@code {"id":"7","seq":7,"published":1733300000000000,"data":"..."}}. */
  public String toJson() {
    StringBuilder b = new StringBuilder(48 + data.length());
    b.append("{\"id\":");
    EventJson.quote(b, id);
    b.append(",\"seq\":").append(seq).append(",\"published\":").append(publishedMicros).append(",\"data\":");
    EventJson.quote(b, data);
    return b.append('}').toString();
  }

  /** Reads {@link #toJson()}'s form back. */
  public static Event fromJson(String json) {
    return EventJson.parse(json);
  }
}
