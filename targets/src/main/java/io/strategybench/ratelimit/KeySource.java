package io.strategybench.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.strategybench.server.Exchange;
import java.util.Base64;

/**
 * Where a rule finds the client a request belongs to, as API gateways do it: a header (an API key), the
 * client's address, a claim of a JWT bearer token (read, not verified: verifying is the authentication
 * stage's job), or one key for everybody. A request without the header or claim is limited by its address.
 */
public sealed interface KeySource {
  /** The values a user may write, for error messages. */
  String FORMS = "header:NAME, address, jwt:CLAIM or global";

  /** The client key of this request. */
  String extract(Exchange exchange);

  /** Parses {@code header:NAME}, {@code address}, {@code jwt:CLAIM} or {@code global}; null if none. */
  static KeySource parse(String text) {
    String t = text.trim();
    if (t.equals("address")) {
      return new Address();
    }
    if (t.equals("global")) {
      return new Global();
    }
    if (t.startsWith("header:") && t.length() > "header:".length()) {
      return new Header(t.substring("header:".length()));
    }
    if (t.startsWith("jwt:") && t.length() > "jwt:".length()) {
      return new JwtClaim(t.substring("jwt:".length()));
    }
    return null;
  }

  /** The value of a request header, or the client address when it is missing. */
  record Header(String name) implements KeySource {
    @Override
    public String extract(Exchange exchange) {
      String value = exchange.request().headers().get(name);
      return value == null || value.isEmpty() ? "addr:" + exchange.clientAddress() : value;
    }

    @Override
    public String toString() {
      return "header:" + name;
    }
  }

  /** The client's address (the first X-Forwarded-For entry when the server trusts it). */
  record Address() implements KeySource {
    @Override
    public String extract(Exchange exchange) {
      return "addr:" + exchange.clientAddress();
    }

    @Override
    public String toString() {
      return "address";
    }
  }

  /** One key shared by every request: a global limit. */
  record Global() implements KeySource {
    @Override
    public String extract(Exchange exchange) {
      return "global";
    }

    @Override
    public String toString() {
      return "global";
    }
  }

  /** A claim of the {@code Authorization: Bearer} JWT, decoded without verifying the signature. */
  record JwtClaim(String claim) implements KeySource {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String extract(Exchange exchange) {
      String value = claimOf(exchange.request().headers().get(HttpHeaderNames.AUTHORIZATION), claim);
      return value == null ? "addr:" + exchange.clientAddress() : value;
    }

    /** The claim's text from a {@code Bearer header.payload.signature} value, or null when absent or malformed. */
    public static String claimOf(String authorization, String claim) {
      if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return null;
      }
      String token = authorization.substring(7).trim();
      int first = token.indexOf('.');
      int second = first < 0 ? -1 : token.indexOf('.', first + 1);
      if (second < 0) {
        return null;
      }
      try {
        byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
        JsonNode node = JSON.readTree(payload).get(claim);
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
      } catch (IllegalArgumentException | java.io.IOException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return "jwt:" + claim;
    }
  }
}
