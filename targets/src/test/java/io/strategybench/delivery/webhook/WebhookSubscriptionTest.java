package io.strategybench.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Subscription URLs and secrets: what is refused, with the message that says what would be right. */
class WebhookSubscriptionTest {
  private static final String SECRET = WebhookSignature.newSecret(new SplittableRandom(3));

  @Test
  void aLoopbackHttpUrlWithASecretIsAccepted() {
    for (String url : new String[] {"http://127.0.0.1:8080/hook", "https://localhost/x", "http://127.9.8.7/",
        "http://[::1]:9000/hook", "HTTP://LOCALHOST:1/"}) {
      WebhookSubscription s = WebhookSubscription.of("sub", url, SECRET, true);
      assertThat(s.url()).isEqualTo(URI.create(url));
    }
    assertThat(WebhookSubscription.of("sub", "https://hooks.example.com/in", SECRET, false).url().getHost())
        .isEqualTo("hooks.example.com");
  }

  @Test
  void aSchemeOtherThanHttpOrHttpsIsRefused() {
    assertThatThrownBy(() -> WebhookSubscription.of("sub", "ftp://127.0.0.1/in", SECRET, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("webhook URL must be http:// or https://, got ftp://127.0.0.1/in");
    assertThatThrownBy(() -> WebhookSubscription.of("sub", "//127.0.0.1:8080/in", SECRET, true))
        .hasMessage("webhook URL must be http:// or https://, got //127.0.0.1:8080/in");
  }

  @Test
  void aUrlThatDoesNotParseOrHasNoHostIsRefused() {
    assertThatThrownBy(() -> WebhookSubscription.of("sub", "http://127.0.0.1/a b", SECRET, true))
        .hasMessageStartingWith("webhook URL 'http://127.0.0.1/a b' does not parse: ");
    assertThatThrownBy(() -> WebhookSubscription.of("sub", "127.0.0.1:8080/in", SECRET, true))
        .hasMessageStartingWith("webhook URL '127.0.0.1:8080/in' does not parse: ");
    assertThatThrownBy(() -> WebhookSubscription.of("sub", "http:///in", SECRET, true))
        .hasMessage("webhook URL http:///in has no host; give one, as in http://127.0.0.1:8080/hook");
    assertThatThrownBy(() -> WebhookSubscription.of("sub", " ", SECRET, true))
        .hasMessage("webhook subscription 'sub' needs a URL, as in http://127.0.0.1:8080/hook");
  }

  @Test
  void loopbackOnlyRefusesOtherHostsWithoutLookingThemUp() {
    assertThatThrownBy(() -> WebhookSubscription.of("sub", "http://hooks.example.com/in", SECRET, true))
        .hasMessage("webhook URL http://hooks.example.com/in names host 'hooks.example.com', which is not loopback;"
            + " this run posts only to this machine (127.0.0.0/8, ::1 or localhost) so a test or load run cannot"
            + " reach another one");
    for (String url : new String[] {"http://10.0.0.1/", "http://128.0.0.1/", "http://[::2]/",
        "http://127.0.0.1.nip.io/", "http://localhost.example.com/"}) {
      assertThatThrownBy(() -> WebhookSubscription.of("sub", url, SECRET, true)).as(url)
          .hasMessageContaining("which is not loopback");
    }
  }

  @Test
  void aMissingOrMalformedSecretIsNamed() {
    assertThatThrownBy(() -> WebhookSubscription.of("orders", "http://127.0.0.1/in", null, true))
        .hasMessage("webhook subscription 'orders' has no secret; it needs one of the form whsec_ followed by"
            + " base64 of 24 to 64 random bytes (WebhookSignature.newSecret makes one)");
    assertThatThrownBy(() -> WebhookSubscription.of("orders", "http://127.0.0.1/in", "hunter2", true))
        .hasMessageStartingWith("webhook subscription 'orders': a webhook secret must be whsec_ followed by base64");
    assertThatThrownBy(() -> new WebhookSubscription(" ", URI.create("http://127.0.0.1/"), SECRET))
        .hasMessage("a webhook subscription needs an id");
  }
}
