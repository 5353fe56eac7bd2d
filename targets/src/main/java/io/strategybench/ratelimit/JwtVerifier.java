package io.strategybench.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the signature of a JWT bearer token (RFC 7519) with a shared secret: HMAC-SHA256, -384 or -512
 * ({@code HS256}, {@code HS384}, {@code HS512}), as Envoy's {@code jwt_authn} or nginx's {@code auth_jwt}
 * do with a symmetric key. A token whose {@code alg} is anything else ({@code none} above all, or an RSA
 * algorithm) is refused, so a client can neither leave the signature off nor choose how it is checked. The
 * {@code exp} and {@code nbf} claims, when present, must hold at the time of the request (no leeway).
 *
 * <p>Thread-safe: each thread keeps its own {@link Mac}.
 */
public final class JwtVerifier {
  /** Why a token was refused; its message is the body of the 401. */
  public static final class InvalidTokenException extends RuntimeException {
    public InvalidTokenException(String message) {
      super(message, null, false, false);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ALGORITHMS =
      Map.of("HS256", "HmacSHA256", "HS384", "HmacSHA384", "HS512", "HmacSHA512");

  private final byte[] secret;
  private final LongSupplier epochSeconds;
  private final Map<String, ThreadLocal<Mac>> macs;

  /** A verifier with the wall clock. */
  public JwtVerifier(byte[] secret) {
    this(secret, () -> System.currentTimeMillis() / 1000);
  }

  /** A verifier reading the time, for {@code exp} and {@code nbf}, from {@code epochSeconds}. */
  public JwtVerifier(byte[] secret, LongSupplier epochSeconds) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("the JWT secret is empty");
    }
    this.secret = secret.clone();
    this.epochSeconds = epochSeconds;
    this.macs = Map.of(
        "HS256", ThreadLocal.withInitial(() -> mac("HmacSHA256")),
        "HS384", ThreadLocal.withInitial(() -> mac("HmacSHA384")),
        "HS512", ThreadLocal.withInitial(() -> mac("HmacSHA512")));
  }

  private Mac mac(String algorithm) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret, algorithm));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }

  /**
   * The verified payload of a {@code Bearer} token.
   *
   * @throws InvalidTokenException saying why the token is refused
   */
  public JsonNode verify(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || token.indexOf('.', second + 1) >= 0) {
      throw new InvalidTokenException("the bearer token is not a JWT (header.payload.signature)");
    }
    Base64.Decoder b64 = Base64.getUrlDecoder();
    JsonNode header;
    JsonNode payload;
    byte[] signature;
    try {
      header = JSON.readTree(b64.decode(token.substring(0, first)));
      payload = JSON.readTree(b64.decode(token.substring(first + 1, second)));
      signature = b64.decode(token.substring(second + 1));
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new InvalidTokenException("the bearer token is not a JWT: its parts are not base64url JSON");
    }
    if (header == null || !header.isObject() || payload == null || !payload.isObject()) {
      throw new InvalidTokenException("the bearer token is not a JWT: its header or payload is not a JSON object");
    }
    JsonNode alg = header.get("alg");
    String algorithm = alg == null ? null : alg.asText();
    if (algorithm == null || !ALGORITHMS.containsKey(algorithm)) {
      throw new InvalidTokenException("the bearer token's alg is '" + algorithm + "'; only "
          + "HS256, HS384 and HS512 signed with the configured secret are accepted");
    }
    Mac mac = macs.get(algorithm).get();
    byte[] expected = mac.doFinal(token.substring(0, second).getBytes(StandardCharsets.US_ASCII));
    if (signature.length == 0 || !MessageDigest.isEqual(expected, signature)) {
      throw new InvalidTokenException("the bearer token's signature does not verify with the configured secret");
    }
    long now = epochSeconds.getAsLong();
    JsonNode exp = payload.get("exp");
    if (exp != null && exp.isNumber() && now >= exp.asLong()) {
      throw new InvalidTokenException("the bearer token has expired");
    }
    JsonNode nbf = payload.get("nbf");
    if (nbf != null && nbf.isNumber() && now < nbf.asLong()) {
      throw new InvalidTokenException("the bearer token is not valid yet (nbf)");
    }
    return payload;
  }

  /** Signs {@code payloadJson} with HS256, for tests and examples. */
  public static String signHs256(byte[] secret, String payloadJson) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "." + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
