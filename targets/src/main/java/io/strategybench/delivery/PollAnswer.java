package io.strategybench.delivery;

import java.util.List;

/**
 * A poll's answer: {@code {"events":[EVENT,...],"last":"ID"}}, {@code last} the id to send as {@code after} next
 * (empty when the instance has heard no event yet: the next poll sends no {@code after} and starts from then).
 */
public final class PollAnswer {
  private PollAnswer() {}

  /** One event's part of the answer (its JSON and the comma before the next). */
  public static String element(Event event) {
    return event.toJson() + ",";
  }

  public static String of(List<Event> events, String last) {
    StringBuilder b = new StringBuilder(32 + events.size() * 96);
    b.append("{\"events\":[");
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(events.get(i).toJson());
    }
    b.append("],\"last\":");
    EventJson.quote(b, last == null ? "" : last);
    return b.append("}\n").toString();
  }
}
