package io.strategybench.server;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * What a stage sees of the response that the stages after it gave: a cache in front of a load balancer keeps the
 * answers to its misses. Set with {@link Exchange#proceedCapturing}; called on the exchange's event loop, once.
 */
public interface ResponseTap {
  /**
   * The response completed.
   *
   * @param status its status code
   * @param headers its end-to-end headers as the client got them
   * @param body a copy of its body, owned by the tap from now on (release it)
   */
  void completed(int status, HttpHeaders headers, ByteBuf body);

  /** The response did not complete (the client left, an upstream failed), or could not be kept (see {@link #MAX_BYTES}). */
  default void notCaptured(String why) {}

  /** Most body bytes a tap is given; a longer (or chunked) body is relayed to the client but not captured. */
  int MAX_BYTES = 1024 * 1024;
}
