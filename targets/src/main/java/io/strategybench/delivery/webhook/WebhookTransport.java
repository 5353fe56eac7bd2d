package io.strategybench.delivery.webhook;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * How a webhook request goes out: one HTTP POST, answered by a {@link WebhookResponse}. A timeout, a refused or a
 * reset connection completes the stage normally with a failed response: the stage never completes exceptionally
 * for those, so the {@link RetryPolicy} sees every outcome the same way. {@link NettyWebhookTransport} is the real
 * one; tests script their own.
 */
public interface WebhookTransport extends AutoCloseable {
  /**
   * Posts {@code body} to {@code url} with {@code headers}.
   *
   * @param timeoutMillis how long the attempt may take, connecting included, before it counts as a timeout
   */
  CompletionStage<WebhookResponse> post(URI url, Map<String, String> headers, byte[] body, long timeoutMillis);

  /** Closes connections and threads the transport holds; the default holds none. */
  @Override
  default void close() {}
}
