package io.strategybench.delivery;

/**
 * An event as a subscriber receives it, read from the target's one JSON form of an event,
 * {@code {"id":"7","seq":7,"published":1733300000000000,"data":"..."}}. The scenarios module reaches the target over
 * HTTP only (it does not depend on the targets module), so it reads the form itself; the data is not kept, only its
 * length.
 *
 * @param id the id to resume from (opaque: passed back, never parsed)
 * @param seq the event's sequence number in the whole system (gaps and duplicates are counted by it)
 * @param publishedMicros when the target published it, microseconds since the epoch on the machine's clock
 * @param dataLength characters of the event's data
 */
public record ReceivedEvent(String id, long seq, long publishedMicros, int dataLength) {
  /** Reads one event's JSON; throws {@link IllegalArgumentException} on anything else. */
  public static ReceivedEvent parse(String json) {
    DeliveryJson r = new DeliveryJson(json);
    ReceivedEvent event = r.event();
    r.end();
    return event;
  }
}
