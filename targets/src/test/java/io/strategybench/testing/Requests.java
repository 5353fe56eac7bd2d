package io.strategybench.testing;

import io.strategybench.lb.LbRequest;

/** Requests for strategy tests. */
public final class Requests {
  private Requests() {}

  /** A request from {@code client} in {@code session} (either may be null). */
  public static LbRequest of(String client, String session) {
    return new LbRequest() {
      @Override
      public String clientAddress() {
        return client;
      }

      @Override
      public String sessionId() {
        return session;
      }
    };
  }

  public static LbRequest anonymous() {
    return of(null, null);
  }
}
