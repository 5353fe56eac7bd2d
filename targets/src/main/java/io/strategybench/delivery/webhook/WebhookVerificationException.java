package io.strategybench.delivery.webhook;

/**
 * A webhook request that a receiver must not trust: a header missing, a timestamp that is not a number or lies
 * outside the tolerance window, or no signature that matches the body. The message says which, with the values
 * involved, so a receiver can answer {@code 401} with it and a sender's operator can tell a clock skew from a wrong
 * secret.
 */
public final class WebhookVerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  public WebhookVerificationException(String message) {
    super(message);
  }
}
