package io.strategybench.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.strategybench.server.Exchange;
import java.util.Base64;

/**
 * Where a rule finds the client a request belongs to, as API gateways do it: a header (an API key), the
 * client's address, a claim of a JWT bearer token, or one key for everybody. A request without the header or
 * claim is limited by its address.
 *
 * <p>What a client can forge: a header key is whatever the client sends (each new value gets its own
 * allowance; checking that an API key exists is an authentication stage's job). The address is the
 * connection's peer unless {@link ClientTrust} names the proxies whose {@code X-Forwarded-For} to believe. A
 * JWT claim is read unverified, so a client can pick its own key, unless a {@link JwtVerifier} is configured:
 * then a bearer token whose signature does not verify is refused (401), and a request without one is limited
 * by its address.
 */
public sealed interface KeySource {
  /** The values a user may write, for error messages. */
  String FORMS = "header:NAME, address, jwt:CLAIM or global";

  /**
   * The client key of this request.
   *
   * @param trust which proxies' {@code X-Forwarded-For} to believe
   * @param jwt the verifier of bearer tokens, or null to read their claims unverified
   * @throws JwtVerifier.InvalidTokenException when {@code jwt} is set and the request's bearer token fails it
   */
  String extract(Exchange exchange, ClientTrust trust, JwtVerifier jwt);

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
    public String extract(Exchange exchange, ClientTrust trust, JwtVerifier jwt) {
      String value = exchange.request().headers().get(name);
      return value == null || value.isEmpty() ? "addr:" + trust.clientAddress(exchange) : value;
    }

    @Override
    public String toString() {
      return "header:" + name;
    }
  }

  /** The client's address: the peer, or what trusted proxies say in X-Forwarded-For ({@link ClientTrust}). */
  record Address() implements KeySource {
    @Override
    public String extract(Exchange exchange, ClientTrust trust, JwtVerifier jwt) {
      return "addr:" + trust.clientAddress(exchange);
    }

    @Override
    public String toString() {
      return "address";
    }
  }

  /** One key shared by every request: a global limit. */
  record Global() implements KeySource {
    @Override
    public String extract(Exchange exchange, ClientTrust trust, JwtVerifier jwt) {
      return "global";
    }

    @Override
    public String toString() {
      return "global";
    }
  }

  /**
   * A claim of the {@code Authorization: Bearer} JWT: verified when a {@link JwtVerifier} is configured, else
   * decoded without checking the signature (a client can then choose its own key).
   */
  record JwtClaim(String claim) implements KeySource {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String extract(Exchange exchange, ClientTrust trust, JwtVerifier jwt) {
      String authorization = exchange.request().headers().get(HttpHeaderNames.AUTHORIZATION);
      String value = jwt == null ? claimOf(authorization, claim) : verifiedClaimOf(authorization, claim, jwt);
      return value == null ? "addr:" + trust.clientAddress(exchange) : value;
    }

    /**
     * The claim's text from a verified bearer token; null when the request has no bearer token or the token
     * lacks the claim.
     *
     * @throws JwtVerifier.InvalidTokenException when there is a bearer token and it does not verify
     */
    public static String verifiedClaimOf(String authorization, String claim, JwtVerifier jwt) {
      if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return null;
      }
      JsonNode node = jwt.verify(authorization.substring(7).trim()).get(claim);
      return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
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
