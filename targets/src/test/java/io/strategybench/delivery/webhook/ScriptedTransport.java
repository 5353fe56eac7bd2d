package io.strategybench.delivery.webhook;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link WebhookTransport} for virtual time: each request's answer comes from a script (by URL, message id and
 * attempt), after a scripted latency on the {@link VirtualTimer} (a timeout takes the attempt's whole timeout).
 * Records every request it was given.
 */
final class ScriptedTransport implements WebhookTransport {
  /** An answer and how long it takes. */
  record Answer(WebhookResponse response, long latencyMillis) {}

  /** What the endpoint answers to attempt {@code attempt} (1-based) of message {@code msgId}. */
  interface Script {
    Answer answer(URI url, String msgId, int attempt, long timeoutMillis);
  }

  /** One request as sent. */
  record Sent(URI url, Map<String, String> headers, byte[] body, long atMillis) {}

  private final VirtualTimer timer;
  private final Script script;
  private final Map<String, Integer> attempts = new HashMap<>();
  final List<Sent> sent = new ArrayList<>();

  ScriptedTransport(VirtualTimer timer, Script script) {
    this.timer = timer;
    this.script = script;
  }

  static Answer status(int status) {
    return new Answer(WebhookResponse.of(status), 0);
  }

  static Answer timeout(long timeoutMillis) {
    return new Answer(WebhookResponse.failed(WebhookResponse.Failure.TIMEOUT, "scripted"), timeoutMillis);
  }

  @Override
  public CompletionStage<WebhookResponse> post(URI url, Map<String, String> headers, byte[] body, long timeoutMillis) {
    String msgId = headers.get(WebhookSignature.ID_HEADER);
    int attempt = attempts.merge(url + " " + msgId, 1, Integer::sum);
    sent.add(new Sent(url, Map.copyOf(headers), body, timer.nowMillis()));
    Answer answer = script.answer(url, msgId, attempt, timeoutMillis);
    CompletableFuture<WebhookResponse> result = new CompletableFuture<>();
    timer.schedule(answer.latencyMillis(), () -> result.complete(answer.response()));
    return result;
  }
}
