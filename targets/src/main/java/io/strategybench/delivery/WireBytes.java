package io.strategybench.delivery;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Map;

/**
 * Bytes of an HTTP/1.1 head as the codec writes it (start line, each header as {@code Name: value CRLF}, the blank
 * line), and of a chunk's framing: what a channel costs on the wire beyond its events, counted exactly rather than
 * guessed.
 */
public final class WireBytes {
  private WireBytes() {}

  public static long of(HttpRequest request) {
    return request.method().name().length() + 1 + request.uri().length() + " HTTP/1.1\r\n".length()
        + of(request.headers()) + 2;
  }

  public static long of(HttpResponse response) {
    return "HTTP/1.1 ".length() + response.status().codeAsText().length() + 1
        + response.status().reasonPhrase().length() + 2 + of(response.headers()) + 2;
  }

  private static long of(HttpHeaders headers) {
    long n = 0;
    for (Map.Entry<String, String> h : headers) {
      n += h.getKey().length() + 2 + h.getValue().length() + 2;
    }
    return n;
  }

  /** A chunk of {@code size} bytes with its framing ({@code HEX CRLF ... CRLF}). */
  public static long chunk(int size) {
    return Integer.toHexString(size).length() + 2 + size + 2;
  }

  /** A WebSocket frame from the server (unmasked) with {@code size} payload bytes. */
  public static long serverFrame(int size) {
    return size + (size < 126 ? 2 : size < 65536 ? 4 : 10);
  }
}
