package io.strategybench.delivery.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A receiver's subscription: its id, the URL events are POSTed to, and the secret they are signed with
 * ({@code whsec_...}, see {@link WebhookSignature}). The constructor checks the URL (http or https, with a host) and
 * the secret; {@link #of(String, String, String, boolean)} also parses the URL and, for tests and load runs, keeps
 * it on this machine.
 *
 * @param id names the subscription in stats and dead letters
 * @param url where events are POSTed
 * @param secret the signing secret, {@code whsec_} followed by base64 of 24 to 64 bytes
 */
public record WebhookSubscription(String id, URI url, String secret) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  public WebhookSubscription {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("a webhook subscription needs an id");
    }
    if (url == null) {
      throw new IllegalArgumentException("webhook subscription '" + id + "' needs a URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("webhook URL must be http:// or https://, got " + url);
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("webhook URL " + url + " has no host; give one, as in http://127.0.0.1:8080/hook");
    }
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("webhook subscription '" + id + "' has no secret; it needs one of the form "
          + WebhookSignature.SECRET_PREFIX + " followed by base64 of 24 to 64 random bytes"
          + " (WebhookSignature.newSecret makes one)");
    }
    try {
      WebhookSignature.keyBytes(secret);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("webhook subscription '" + id + "': " + e.getMessage(), e);
    }
  }

  /**
   * A subscription from text.
   *
   * @param loopbackOnly when true (tests, load runs) the host must be loopback: {@code 127.0.0.0/8}, {@code ::1} or
   *     {@code localhost}, so a run never posts to another machine. Names are not resolved: only these count.
   * @throws IllegalArgumentException naming what is wrong with the URL or the secret
   */
  public static WebhookSubscription of(String id, String url, String secret, boolean loopbackOnly) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("webhook subscription '" + id + "' needs a URL, as in http://127.0.0.1:8080/hook");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("webhook URL '" + url + "' does not parse: " + e.getMessage());
    }
    WebhookSubscription subscription = new WebhookSubscription(id, uri, secret);
    if (loopbackOnly && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException("webhook URL " + uri + " names host '" + uri.getHost()
          + "', which is not loopback; this run posts only to this machine (127.0.0.0/8, ::1 or localhost) so a"
          + " test or load run cannot reach another one");
    }
    return subscription;
  }

  /** True for {@code localhost}, an IPv4 literal in 127.0.0.0/8 and the IPv6 literal {@code ::1}; no name lookup. */
  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    boolean literal = IPV4.matcher(h).matches() || (h.startsWith("[") && h.endsWith("]"));
    if (!literal) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
