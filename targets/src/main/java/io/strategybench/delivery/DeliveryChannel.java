package io.strategybench.delivery;

import io.strategybench.strategy.Family;

/**
 * How events reach a client: the delivery family's strategies ({@code short-poll}, {@code long-poll}, {@code sse},
 * {@code websocket}, {@code webhook}). A channel is what a client (or a webhook receiver) does and what the target
 * holds for it; its parameters set the client's interval, the server's hold time, the stream's {@code retry:}, the
 * WebSocket's pings, the webhook sender's retries. The second axis, how an event reaches the other instances, is
 * the {@link EventBus} (the {@code --fanout} of {@code bench serve}).
 *
 * <p>What a channel promises is in its characteristics: the harness decides by them (which figures apply, what the
 * simulation models), never by a channel's name.
 */
public interface DeliveryChannel {
  /** The delivery family. */
  Family<DeliveryChannel> FAMILY = new Family<>("delivery", DeliveryChannel.class, "Real-time delivery",
      "which channel gets events to clients soonest, at what cost in requests, bytes and open connections, and"
          + " what a reconnect or a dead instance loses");

  /** Characteristic: the client asks (a request per poll); staleness comes from how often it asks. */
  String PULL = "pull";

  /** Characteristic: the server sends each event as it comes, on a connection the client holds open. */
  String PUSH = "push";

  /** Characteristic: the target holds a connection per subscriber (the capacity question). */
  String HOLDS_CONNECTION = "holds-connection";

  /** Characteristic: a client resumes from the last event id it saw (SSE's Last-Event-ID, a poll's after=). */
  String RESUMES = "resumes";

  /** Characteristic: the server POSTs to a subscriber's URL (signed, retried, dead-lettered). */
  String SERVER_TO_SERVER = "server-to-server";

  /** The wire name of the channel's endpoint ({@code /events}, {@code /poll}, {@code /ws}, a subscriber's URL). */
  String endpoint();

  /**
   * The bytes one event takes on this channel, beyond any request and response head: an SSE frame, a WebSocket
   * message's payload, one element of a poll's answer, a webhook's body. What the micro lens measures per channel.
   */
  byte[] encode(Event event);
}
