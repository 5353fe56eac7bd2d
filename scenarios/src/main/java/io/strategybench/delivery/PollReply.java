package io.strategybench.delivery;

import java.util.List;

/**
 * A poll's answer, {@code {"events":[EVENT,...],"last":"ID"}}: the events after the id asked for, and the id to ask
 * after next ({@code last} is unchanged when no event came).
 *
 * @param events the events, oldest first
 * @param last the id to send as {@code after} in the next poll
 */
public record PollReply(List<ReceivedEvent> events, String last) {
  /** Reads a poll's answer; throws {@link IllegalArgumentException} on anything else. */
  public static PollReply parse(String json) {
    DeliveryJson r = new DeliveryJson(json);
    PollReply reply = r.pollReply();
    r.end();
    return reply;
  }
}
