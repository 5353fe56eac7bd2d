package io.strategybench.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Standard Webhooks signatures: the specification's published vector, an independent HMAC (the JDK's {@link Mac}
 * over the raw bytes) for random payloads, and each way a request is rejected, with the message that says why.
 */
class WebhookSignatureTest {
  // The Standard Webhooks reference vector, as its Java library's test has it: repository
  // standard-webhooks/standard-webhooks, libraries/java/src/test/java/com/standardwebhooks/WebhookTest.java,
  // verifyWebhookSignWorks (the same vector is in the PHP, Go and JavaScript libraries' tests).
  private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long SPEC_TIMESTAMP = 1614265330;
  private static final byte[] SPEC_PAYLOAD = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private static Map<String, String> headers(String id, String timestamp, String signature) {
    Map<String, String> h = new HashMap<>();
    if (id != null) {
      h.put(WebhookSignature.ID_HEADER, id);
    }
    if (timestamp != null) {
      h.put(WebhookSignature.TIMESTAMP_HEADER, timestamp);
    }
    if (signature != null) {
      h.put(WebhookSignature.SIGNATURE_HEADER, signature);
    }
    return h;
  }

  private static String independentSignature(byte[] key, String id, long timestamp, byte[] payload) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    byte[] signed = new byte[prefix.length + payload.length];
    System.arraycopy(prefix, 0, signed, 0, prefix.length);
    System.arraycopy(payload, 0, signed, prefix.length, payload.length);
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed));
  }

  @Test
  void signReproducesTheSpecificationVector() throws Exception {
    WebhookSignature signature = new WebhookSignature(SPEC_SECRET);
    assertThat(signature.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD)).isEqualTo(SPEC_SIGNATURE);
    signature.verify(headers(SPEC_ID, "1614265330", SPEC_SIGNATURE)::get, SPEC_PAYLOAD, SPEC_TIMESTAMP);
  }

  @Test
  void signMatchesAnIndependentHmacOverTheRawBytesForRandomPayloads() throws Exception {
    SplittableRandom random = new SplittableRandom(20240611L);
    for (int i = 0; i < 200; i++) {
      byte[] key = new byte[24 + random.nextInt(41)];
      random.nextBytes(key);
      String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
      byte[] payload = new byte[random.nextInt(2048)];
      random.nextBytes(payload); // not UTF-8 text on purpose: the signature is over bytes, never re-encoded
      String id = "msg_" + random.nextLong();
      long timestamp = random.nextLong(0, 4_000_000_000L);
      String expected = independentSignature(key, id, timestamp, payload);
      WebhookSignature signature = new WebhookSignature(secret);
      assertThat(signature.sign(id, timestamp, payload)).as("payload %d", i).isEqualTo(expected);
      signature.verify(headers(id, Long.toString(timestamp), expected)::get, payload, timestamp);
    }
  }

  @Test
  void aTamperedBodyIsRejected() {
    byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new WebhookSignature(SPEC_SECRET).verify(
        headers(SPEC_ID, "1614265330", SPEC_SIGNATURE)::get, tampered, SPEC_TIMESTAMP))
        .isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("no signature matches")
        .hasMessageContaining("the body was changed on the way or signed with another secret");
  }

  @Test
  void anotherSecretIsRejected() {
    String other = WebhookSignature.newSecret(new SplittableRandom(1));
    assertThatThrownBy(() -> new WebhookSignature(other).verify(headers(SPEC_ID, "1614265330", SPEC_SIGNATURE)::get,
        SPEC_PAYLOAD, SPEC_TIMESTAMP)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("no signature matches");
  }

  @Test
  void aTimestampOlderThanTheToleranceIsRejectedAndOneAtTheEdgeAccepted() throws Exception {
    WebhookSignature signature = new WebhookSignature(SPEC_SECRET); // 300 s
    Map<String, String> h = headers(SPEC_ID, "1614265330", SPEC_SIGNATURE);
    signature.verify(h::get, SPEC_PAYLOAD, SPEC_TIMESTAMP + 300);
    assertThatThrownBy(() -> signature.verify(h::get, SPEC_PAYLOAD, SPEC_TIMESTAMP + 301))
        .isInstanceOf(WebhookVerificationException.class)
        .hasMessage("webhook-timestamp 1614265330 is too old: 301 s before now (1614265631), beyond the tolerance"
            + " of 300 s (a replay, or the sender's clock is behind)");
  }

  @Test
  void aTimestampFurtherInTheFutureThanTheToleranceIsRejected() throws Exception {
    WebhookSignature signature = new WebhookSignature(SPEC_SECRET, 60);
    Map<String, String> h = headers(SPEC_ID, "1614265330", SPEC_SIGNATURE);
    signature.verify(h::get, SPEC_PAYLOAD, SPEC_TIMESTAMP - 60);
    assertThatThrownBy(() -> signature.verify(h::get, SPEC_PAYLOAD, SPEC_TIMESTAMP - 61))
        .isInstanceOf(WebhookVerificationException.class)
        .hasMessage("webhook-timestamp 1614265330 is too far in the future: 61 s after now (1614265269), beyond"
            + " the tolerance of 60 s (the sender's clock is ahead)");
  }

  @Test
  void aRotatedKeyListIsAcceptedWhenAnyEntryMatches() throws Exception {
    String oldSecret = WebhookSignature.newSecret(new SplittableRandom(7));
    String oldEntry = new WebhookSignature(oldSecret).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD);
    String list = "v1a,ignored-asymmetric " + oldEntry + " " + SPEC_SIGNATURE;
    new WebhookSignature(SPEC_SECRET).verify(headers(SPEC_ID, "1614265330", list)::get, SPEC_PAYLOAD, SPEC_TIMESTAMP);
    new WebhookSignature(oldSecret).verify(headers(SPEC_ID, "1614265330", list)::get, SPEC_PAYLOAD, SPEC_TIMESTAMP);
    String third = WebhookSignature.newSecret(new SplittableRandom(8));
    assertThatThrownBy(() -> new WebhookSignature(third).verify(headers(SPEC_ID, "1614265330", list)::get,
        SPEC_PAYLOAD, SPEC_TIMESTAMP)).hasMessageStartingWith("no signature matches: 2 v1 entries");
  }

  @Test
  void missingHeadersAndABadTimestampAreNamed() {
    WebhookSignature signature = new WebhookSignature(SPEC_SECRET);
    assertThatThrownBy(() -> signature.verify(headers(null, "1614265330", SPEC_SIGNATURE)::get, SPEC_PAYLOAD,
        SPEC_TIMESTAMP)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageStartingWith("the webhook-id header is missing");
    assertThatThrownBy(() -> signature.verify(headers(SPEC_ID, null, SPEC_SIGNATURE)::get, SPEC_PAYLOAD,
        SPEC_TIMESTAMP)).hasMessageStartingWith("the webhook-timestamp header is missing");
    assertThatThrownBy(() -> signature.verify(headers(SPEC_ID, "1614265330", "")::get, SPEC_PAYLOAD,
        SPEC_TIMESTAMP)).hasMessageStartingWith("the webhook-signature header is missing");
    assertThatThrownBy(() -> signature.verify(headers(SPEC_ID, "soon", SPEC_SIGNATURE)::get, SPEC_PAYLOAD,
        SPEC_TIMESTAMP)).hasMessage("webhook-timestamp 'soon' is not a number; it must be whole seconds since the"
            + " epoch");
    assertThatThrownBy(() -> signature.verify(headers(SPEC_ID, "1614265330", "v2,abc garbage")::get, SPEC_PAYLOAD,
        SPEC_TIMESTAMP)).hasMessage("webhook-signature holds no v1,<base64> entry: 'v2,abc garbage'");
  }

  @Test
  void aMissingEmptyOrMalformedSecretNamesTheForm() {
    String form = "whsec_ followed by base64 of 24 to 64 random bytes";
    assertThatThrownBy(() -> new WebhookSignature(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a webhook secret is missing").hasMessageContaining(form);
    assertThatThrownBy(() -> new WebhookSignature("")).hasMessageContaining(form);
    assertThatThrownBy(() -> new WebhookSignature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).hasMessageContaining(form)
        .hasMessageEndingWith("this one does not start with whsec_");
    assertThatThrownBy(() -> new WebhookSignature("whsec_not base64!")).hasMessageContaining(form)
        .hasMessageContaining("is not base64");
    assertThatThrownBy(() -> new WebhookSignature("whsec_" + Base64.getEncoder().encodeToString(new byte[23])))
        .hasMessageEndingWith("this one holds 23 bytes");
    assertThatThrownBy(() -> new WebhookSignature("whsec_" + Base64.getEncoder().encodeToString(new byte[65])))
        .hasMessageEndingWith("this one holds 65 bytes");
    new WebhookSignature("whsec_" + Base64.getEncoder().encodeToString(new byte[64]));
  }

  @Test
  void newSecretIsThirtyTwoSeededRandomBytesInTheWhsecForm() {
    String a = WebhookSignature.newSecret(new SplittableRandom(42));
    byte[] expected = new byte[32];
    new SplittableRandom(42).nextBytes(expected);
    assertThat(a).isEqualTo("whsec_" + Base64.getEncoder().encodeToString(expected));
    assertThat(WebhookSignature.newSecret(new SplittableRandom(43))).isNotEqualTo(a);
    new WebhookSignature(a);
  }
}
