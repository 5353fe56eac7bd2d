package io.strategybench.server;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Which part of a load run a request belongs to, as its load generator labels it in the {@code X-Bench-Phase}
 * header (StrategyBench's Gatling simulations label every request). The server records each phase apart, so the
 * figures of the measured phase cover exactly the requests the client measured.
 */
public enum Phase {
  /** A request the run measures; the client records it too. */
  MEASURED("measured"),
  /** Warm-up: compiles hot paths and fills caches, measured by nobody. */
  WARMUP("warmup"),
  /** Traffic of the measured phase that its figures leave out (the cache's writes beside its measured reads). */
  SIDE("side"),
  /** No label: traffic from any other client. */
  UNLABELLED("unlabelled");

  /** The request header that carries the phase. */
  public static final AsciiString HEADER = AsciiString.cached("x-bench-phase");

  private final String label;

  Phase(String label) {
    this.label = label;
  }

  /** The header's value, and the name of the phase in stats and logs. */
  public String label() {
    return label;
  }

  /** The phase a request's headers name; {@link #UNLABELLED} when they name none or an unknown one. */
  public static Phase of(HttpHeaders headers) {
    String value = headers.get(HEADER);
    if (value == null) {
      return UNLABELLED;
    }
    for (Phase p : values()) {
      if (p != UNLABELLED && p.label.equalsIgnoreCase(value)) {
        return p;
      }
    }
    return UNLABELLED;
  }
}
