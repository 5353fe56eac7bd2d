package io.strategybench.delivery.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies webhook requests as the Standard Webhooks specification has it (standardwebhooks.com; the same
 * scheme Svix sends, and close to Stripe's {@code Stripe-Signature}): the secret is {@code whsec_} followed by the
 * base64 of the key bytes; the signature is {@code v1,} followed by the base64 of HMAC-SHA256 over
 * {@code msgId + "." + timestamp + "." + payload}, the payload taken as the raw bytes sent (never re-serialized).
 *
 * <p>A request carries three headers: {@code webhook-id} (the same on every retry of one message, so a receiver can
 * deduplicate), {@code webhook-timestamp} (seconds since the epoch, fresh on every attempt) and
 * {@code webhook-signature} (one or more space-separated {@code v1,...} entries: a sender rotating its key signs
 * with the old and the new one). A receiver rejects a timestamp more than the tolerance (default 300 s) from its own
 * clock, either way: that bounds how long a captured request can be replayed. Signatures are compared in constant
 * time ({@link MessageDigest#isEqual}).
 */
public final class WebhookSignature {
  /** The prefix of a secret in its textual form. */
  public static final String SECRET_PREFIX = "whsec_";
  /** The message id header: one id per message, the same on every retry. */
  public static final String ID_HEADER = "webhook-id";
  /** The timestamp header: seconds since the epoch when the attempt was signed. */
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";
  /** The signature header: space-separated {@code v1,<base64>} entries. */
  public static final String SIGNATURE_HEADER = "webhook-signature";
  /** How far a timestamp may be from the receiver's clock, either way, unless told otherwise. */
  public static final long DEFAULT_TOLERANCE_SECONDS = 300;
  /** Fewest key bytes a secret may hold (the specification's lower bound). */
  public static final int MIN_KEY_BYTES = 24;
  /** Most key bytes a secret may hold (the specification's upper bound). */
  public static final int MAX_KEY_BYTES = 64;

  private static final String FORM = SECRET_PREFIX + " followed by base64 of " + MIN_KEY_BYTES + " to "
      + MAX_KEY_BYTES + " random bytes (WebhookSignature.newSecret makes one)";
  private static final String VERSION = "v1";
  private static final String HMAC = "HmacSHA256";

  private final SecretKeySpec key;
  private final long toleranceSeconds;

  /** A signer and verifier for the secret, with the default tolerance of 300 s. */
  public WebhookSignature(String secret) {
    this(secret, DEFAULT_TOLERANCE_SECONDS);
  }

  /**
   * A signer and verifier for the secret.
   *
   * @param secret {@code whsec_} followed by base64 of 24 to 64 bytes
   * @param toleranceSeconds how far a request's timestamp may be from now, either way, when verifying
   * @throws IllegalArgumentException if the secret is missing or not of that form, or the tolerance is negative
   */
  public WebhookSignature(String secret, long toleranceSeconds) {
    this.key = new SecretKeySpec(keyBytes(secret), HMAC);
    if (toleranceSeconds < 0) {
      throw new IllegalArgumentException("the timestamp tolerance must be 0 s or more, got " + toleranceSeconds + " s");
    }
    this.toleranceSeconds = toleranceSeconds;
  }

  /** The key bytes a secret stands for; throws naming the expected form if it is missing or malformed. */
  static byte[] keyBytes(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("a webhook secret is missing; it must be " + FORM);
    }
    if (!secret.startsWith(SECRET_PREFIX)) {
      throw new IllegalArgumentException("a webhook secret must be " + FORM + "; this one does not start with "
          + SECRET_PREFIX);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a webhook secret must be " + FORM + "; what follows " + SECRET_PREFIX
          + " is not base64 (" + e.getMessage() + ")");
    }
    if (bytes.length < MIN_KEY_BYTES || bytes.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("a webhook secret must be " + FORM + "; this one holds " + bytes.length
          + " bytes");
    }
    return bytes;
  }

  /** A new secret of 32 random bytes in the {@code whsec_} form. */
  public static String newSecret(RandomGenerator random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
  }

  /** How far a timestamp may be from now, either way, in seconds. */
  public long toleranceSeconds() {
    return toleranceSeconds;
  }

  /** The {@code webhook-signature} value for one attempt: {@code v1,<base64 HMAC-SHA256>}. */
  public String sign(String msgId, long timestampSeconds, byte[] payload) {
    return VERSION + "," + Base64.getEncoder().encodeToString(mac(msgId, timestampSeconds, payload));
  }

  private byte[] mac(String msgId, long timestampSeconds, byte[] payload) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      mac.update((msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot compute " + HMAC, e);
    }
  }

  /**
   * Checks a request: its three headers are there, its timestamp is a number within the tolerance of
   * {@code nowSeconds}, and one of its {@code v1} signatures matches the payload.
   *
   * @param headers looks a header up by its lower-case name; {@code null} when absent
   * @param payload the body exactly as received
   * @param nowSeconds the receiver's clock, seconds since the epoch
   * @throws WebhookVerificationException naming what was wrong
   */
  public void verify(Function<String, String> headers, byte[] payload, long nowSeconds)
      throws WebhookVerificationException {
    String msgId = required(headers, ID_HEADER);
    String timestampText = required(headers, TIMESTAMP_HEADER);
    String signatures = required(headers, SIGNATURE_HEADER);
    long timestamp;
    try {
      timestamp = Long.parseLong(timestampText.trim());
    } catch (NumberFormatException e) {
      throw new WebhookVerificationException(TIMESTAMP_HEADER + " '" + timestampText
          + "' is not a number; it must be whole seconds since the epoch");
    }
    if (timestamp < nowSeconds - toleranceSeconds) {
      throw new WebhookVerificationException(TIMESTAMP_HEADER + " " + timestamp + " is too old: "
          + (nowSeconds - timestamp) + " s before now (" + nowSeconds + "), beyond the tolerance of "
          + toleranceSeconds + " s (a replay, or the sender's clock is behind)");
    }
    if (timestamp > nowSeconds + toleranceSeconds) {
      throw new WebhookVerificationException(TIMESTAMP_HEADER + " " + timestamp + " is too far in the future: "
          + (timestamp - nowSeconds) + " s after now (" + nowSeconds + "), beyond the tolerance of "
          + toleranceSeconds + " s (the sender's clock is ahead)");
    }
    byte[] expected = mac(msgId, timestamp, payload);
    int checked = 0;
    for (String entry : signatures.trim().split(" +")) {
      int comma = entry.indexOf(',');
      if (comma < 0 || !entry.substring(0, comma).equals(VERSION)) {
        continue; // another scheme (v1a: asymmetric) or garbage: not ours to judge
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(entry.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      checked++;
      if (MessageDigest.isEqual(expected, given)) {
        return;
      }
    }
    if (checked == 0) {
      throw new WebhookVerificationException(SIGNATURE_HEADER + " holds no " + VERSION
          + ",<base64> entry: '" + cut(signatures) + "'");
    }
    throw new WebhookVerificationException("no signature matches: " + checked + " " + VERSION + " entr"
        + (checked == 1 ? "y" : "ies") + " in " + SIGNATURE_HEADER + " checked against message " + msgId
        + " at " + timestamp + "; the body was changed on the way or signed with another secret");
  }

  private static String required(Function<String, String> headers, String name)
      throws WebhookVerificationException {
    String value = headers.apply(name);
    if (value == null || value.isBlank()) {
      throw new WebhookVerificationException("the " + name + " header is missing; a Standard Webhooks request"
          + " carries " + ID_HEADER + ", " + TIMESTAMP_HEADER + " and " + SIGNATURE_HEADER);
    }
    return value;
  }

  private static String cut(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
