package io.strategybench.server;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;

/**
 * The HTTP/1.1 rules a request must meet before any stage sees it, as nginx enforces them (RFC 9110 and
 * 9112): a method of upper-case letters, {@code _} and {@code -} (400); HTTP/1.0 or 1.1 (505; the HTTP/2
 * preface, {@code PRI}, gets 501); no {@code CONNECT} (405: this is not a forward proxy); a request-target in
 * origin form, absolute form or {@code *}, without control bytes or spaces (400); exactly one {@code Host} on
 * HTTP/1.1 and at most one on 1.0 (400). A request line or header section over the decoder's limits gets 414
 * or 431. Every answer says what was wrong in words, never in a Java exception's text.
 */
final class RequestRules {
  /** Methods the target serves; said in the {@code Allow} header of a 405. */
  static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
  /** The decoder's limits, as nginx's defaults for one request line and the header section (in bytes). */
  static final int MAX_INITIAL_LINE = 8192;
  static final int MAX_HEADER_BYTES = 16384;

  /** Why a request is refused: the status and a sentence for the body. */
  record Rejection(HttpResponseStatus status, String reason) {}

  private RequestRules() {}

  /** The refusal of a request the decoder could not take, from its decoder result. */
  static Rejection undecodable(DecoderResult result) {
    Throwable cause = result.cause();
    if (cause instanceof TooLongHttpLineException) {
      return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG,
          "the request line is longer than " + MAX_INITIAL_LINE + " bytes");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "the request's header section is larger than " + MAX_HEADER_BYTES + " bytes");
    }
    if (cause instanceof StrictRequestDecoder.HeadTimeout) {
      return new Rejection(HttpResponseStatus.REQUEST_TIMEOUT, cause.getMessage());
    }
    String detail = cause == null ? null : printable(cause.getMessage());
    if (detail != null && (detail.contains("Exception") || detail.contains("java."))) {
      detail = null; // a wrapped exception's text says nothing to a client
    }
    return new Rejection(HttpResponseStatus.BAD_REQUEST, "the request could not be parsed as HTTP/1.1"
        + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
  }

  /** The refusal of a decoded request that breaks a rule, or null when it keeps them all. */
  static Rejection check(HttpRequest request) {
    String method = request.method().name();
    if (!isMethodToken(method)) {
      return new Rejection(HttpResponseStatus.BAD_REQUEST,
          "the method must be upper-case letters, '_' or '-' (like GET or POST), got '" + printable(method) + "'");
    }
    HttpVersion version = request.protocolVersion();
    if (method.equals("PRI")) {
      return new Rejection(HttpResponseStatus.NOT_IMPLEMENTED,
          "HTTP/2 with prior knowledge is not served here; speak HTTP/1.1");
    }
    if (version.majorVersion() != 1 || (version.minorVersion() != 0 && version.minorVersion() != 1)) {
      return new Rejection(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
          "HTTP/1.0 and HTTP/1.1 are served here, not " + printable(version.text()));
    }
    if (method.equals("CONNECT")) {
      return new Rejection(HttpResponseStatus.METHOD_NOT_ALLOWED,
          "CONNECT is not allowed: this is a reverse proxy, not a forward one");
    }
    String target = request.uri();
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        return new Rejection(HttpResponseStatus.BAD_REQUEST, String.format(
            "the request-target holds byte 0x%02x at %d; control bytes and spaces must be percent-encoded", (int) c,
            i));
      }
    }
    boolean originForm = target.startsWith("/");
    boolean absoluteForm = target.regionMatches(true, 0, "http://", 0, 7)
        || target.regionMatches(true, 0, "https://", 0, 8);
    boolean asterisk = target.equals("*") && method.equals("OPTIONS");
    if (!originForm && !absoluteForm && !asterisk) {
      return new Rejection(HttpResponseStatus.BAD_REQUEST,
          "the request-target must start with '/' (or be an absolute http:// URI), got '" + printable(target) + "'");
    }
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return new Rejection(HttpResponseStatus.BAD_REQUEST, "the request has " + hosts.size()
          + " Host headers; it must have exactly one");
    }
    if (hosts.isEmpty() && version.minorVersion() == 1) {
      return new Rejection(HttpResponseStatus.BAD_REQUEST, "an HTTP/1.1 request must have a Host header");
    }
    return null;
  }

  private static boolean isMethodToken(String method) {
    if (method.isEmpty()) {
      return false;
    }
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** At most 80 characters of {@code text}, anything outside printable ASCII as {@code \xNN}. */
  static String printable(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 80; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\x%02x", (int) c & 0xff));
      }
    }
    return text.length() > out.length() && out.length() >= 80 ? out + "..." : out.toString();
  }
}
