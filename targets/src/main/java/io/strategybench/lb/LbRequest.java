package io.strategybench.lb;

/** What a load balancer may read of a request to choose its backend. */
public interface LbRequest {
  /** The client's address: the first {@code X-Forwarded-For} hop, else the connection's peer. */
  String clientAddress();

  /** The session, from the session cookie or header; {@code null} when the request carries none. */
  String sessionId();

  /**
   * Whether {@code backend} may serve this request: available, and not one this request already failed
   * to reach (a retry excludes the backend that refused the connection).
   */
  default boolean eligible(Backend backend) {
    return backend.isAvailable();
  }
}
