package io.strategybench.delivery.webhook;

/**
 * What one delivery attempt came to: the receiver's status (with its {@code Retry-After}, if any, and the start of
 * its body), or a failure to get an answer at all. A timeout or a refused connection is a result like any status:
 * the {@link RetryPolicy} decides what follows from it, nobody catches an exception.
 *
 * @param status the HTTP status, or 0 when there was no answer
 * @param retryAfter the {@code Retry-After} header as sent (delta-seconds or an HTTP-date), or {@code null}
 * @param failure why there was no answer, or {@link Failure#NONE}
 * @param detail the start of the response body, or what went wrong; never {@code null}
 */
public record WebhookResponse(int status, String retryAfter, Failure failure, String detail) {
  /** Why an attempt got no HTTP answer. */
  public enum Failure {
    /** There was an answer: see the status. */
    NONE,
    /** No answer within the attempt's timeout (connecting or waiting for the response). */
    TIMEOUT,
    /** The endpoint refused the connection (nobody listening). */
    CONNECTION_REFUSED,
    /** The connection broke or closed before the response was complete. */
    CONNECTION_RESET,
    /** The sender could not send this at all (a scheme it does not speak): retrying cannot help. */
    NOT_SENT
  }

  public WebhookResponse {
    if (failure == null) {
      throw new IllegalArgumentException("a webhook response needs a failure kind (NONE when answered)");
    }
    if (failure == Failure.NONE && (status < 100 || status > 599)) {
      throw new IllegalArgumentException("an answered webhook response needs a status 100..599, got " + status);
    }
    if (failure != Failure.NONE && status != 0) {
      throw new IllegalArgumentException("a webhook attempt that failed (" + failure + ") has no status, got "
          + status);
    }
    detail = detail == null ? "" : detail;
  }

  /** An answer with this status. */
  public static WebhookResponse of(int status) {
    return new WebhookResponse(status, null, Failure.NONE, "");
  }

  /** An answer with this status and {@code Retry-After} value. */
  public static WebhookResponse of(int status, String retryAfter) {
    return new WebhookResponse(status, retryAfter, Failure.NONE, "");
  }

  /** No answer, for this reason. */
  public static WebhookResponse failed(Failure failure, String detail) {
    return new WebhookResponse(0, null, failure, detail);
  }

  /** True when the receiver answered (whatever the status). */
  public boolean answered() {
    return failure == Failure.NONE;
  }

  /** Short text for stats, dead letters and attempt records: {@code HTTP 503}, {@code timeout (...)}. */
  public String describe() {
    if (answered()) {
      return "HTTP " + status + (retryAfter == null ? "" : " (Retry-After: " + retryAfter + ")");
    }
    String kind = failure.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    return detail.isEmpty() ? kind : kind + " (" + detail + ")";
  }
}
