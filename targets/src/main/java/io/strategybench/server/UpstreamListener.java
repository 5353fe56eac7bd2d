package io.strategybench.server;

/**
 * What happened to a request forwarded by an {@link Upstream}; called on the exchange's event loop.
 * Exactly one of the methods is called per {@link Upstream#forward}.
 */
public interface UpstreamListener {
  /** No connection could be made; nothing was sent, the caller may try elsewhere. */
  void connectFailed(Throwable cause);

  /** The response was relayed completely; {@code status} is the upstream's status code. */
  void completed(int status, long latencyNanos);

  /**
   * The request was sent but no complete response came: a timeout, a reset, a malformed response, or the
   * per-loop connection limit. If {@code exchange.isHeadSent()} the client connection has been aborted,
   * otherwise the caller must answer the exchange.
   */
  void failed(Upstream.Failure failure, String detail, long latencyNanos);
}
