package io.strategybench.delivery.webhook;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.random.RandomGenerator;

/**
 * When a webhook sender tries again, and when it gives up: exponential backoff with jitter, and a classification of
 * each attempt's result, as the careful senders do (Stripe retries for days with exponential backoff and disables an
 * endpoint that keeps failing; Standard Webhooks asks senders to retry with backoff and to treat {@code 410 Gone} as
 * "stop sending").
 *
 * <ul>
 *   <li>{@code 2xx}: delivered.
 *   <li>{@code 410 Gone}: the endpoint is disabled; this event and every later one for it are dead-lettered with
 *       the reason {@value #DISABLED_REASON}.
 *   <li>{@code 429}: retried after {@code max(backoff, Retry-After)} (delta-seconds or an HTTP-date), cut to
 *       {@code maxDelayMillis}. The cut is deliberate: a receiver cannot park a delivery for longer than the policy
 *       allows between attempts; it can still refuse again, and the attempt budget bounds the whole.
 *   <li>{@code 5xx}, a timeout, a refused or reset connection: retried after the backoff.
 *   <li>any other status ({@code 4xx} but 410 and 429; {@code 1xx}/{@code 3xx}: redirects are not followed), or a
 *       request the sender could not send at all: dead-lettered at once; retrying would get the same answer.
 *   <li>a retryable result on the last attempt: dead-lettered with that result as the reason.
 * </ul>
 *
 * <p>The backoff after attempt {@code n} (1-based) is {@code base = min(maxDelay, initialDelay × multiplier^(n-1))};
 * with jitter {@code j} the wait is {@code floor(base × (1 − j × U))}, {@code U} uniform in [0, 1) from the caller's
 * seeded generator, so waits lie in {@code [base(1−j), base]} and {@code j = 0} gives exact, reproducible times.
 * Jitter only shortens: a fleet of senders that failed together spreads out instead of retrying in step.
 */
public final class RetryPolicy {
  /** The dead-letter reason for every event of an endpoint that answered {@code 410 Gone}. */
  public static final String DISABLED_REASON = "endpoint disabled: 410 Gone";

  private final int maxAttempts;
  private final long initialDelayMillis;
  private final double multiplier;
  private final long maxDelayMillis;
  private final double jitter;

  /**
   * @param maxAttempts attempts in all, the first included (1 or more)
   * @param initialDelayMillis wait after the first failed attempt
   * @param multiplier growth of the wait per failed attempt (1 or more)
   * @param maxDelayMillis the longest wait between two attempts, {@code Retry-After} included
   * @param jitter the share of a wait that may be taken off at random, 0..1
   */
  public RetryPolicy(int maxAttempts, long initialDelayMillis, double multiplier, long maxDelayMillis, double jitter) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be 1 or more (the first attempt counts), got "
          + maxAttempts);
    }
    if (initialDelayMillis < 0) {
      throw new IllegalArgumentException("initialDelayMillis must be 0 or more, got " + initialDelayMillis);
    }
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a finite number of 1 or more, got " + multiplier);
    }
    if (maxDelayMillis < initialDelayMillis) {
      throw new IllegalArgumentException("maxDelayMillis (" + maxDelayMillis
          + ") must be at least initialDelayMillis (" + initialDelayMillis + ")");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter is a share of the wait, 0 to 1, got " + jitter);
    }
    this.maxAttempts = maxAttempts;
    this.initialDelayMillis = initialDelayMillis;
    this.multiplier = multiplier;
    this.maxDelayMillis = maxDelayMillis;
    this.jitter = jitter;
  }

  /** Stripe-like defaults: 8 attempts, 500 ms doubling to at most 60 s, 20% jitter. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(8, 500, 2, 60_000, 0.2);
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public long initialDelayMillis() {
    return initialDelayMillis;
  }

  public double multiplier() {
    return multiplier;
  }

  public long maxDelayMillis() {
    return maxDelayMillis;
  }

  public double jitter() {
    return jitter;
  }

  /** The wait after failed attempt {@code attempt} (1-based), before jitter. */
  public long baseDelayMillis(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1, got " + attempt);
    }
    double base = initialDelayMillis * Math.pow(multiplier, attempt - 1);
    return base >= maxDelayMillis ? maxDelayMillis : (long) base;
  }

  /** The wait after failed attempt {@code attempt}, jitter applied with one draw from {@code random}. */
  public long delayMillis(int attempt, RandomGenerator random) {
    long base = baseDelayMillis(attempt);
    if (jitter == 0) {
      return base;
    }
    return (long) Math.floor(base * (1 - jitter * random.nextDouble()));
  }

  /** What follows from an attempt's result. */
  public enum Outcome {
    /** The receiver took it (2xx). */
    DELIVERED,
    /** Try again after {@link Decision#delayMillis()}. */
    RETRY,
    /** Give up on this event for this endpoint. */
    DEAD_LETTER,
    /** Give up on the endpoint (410 Gone): this event and all later ones are dead-lettered. */
    DISABLE
  }

  /**
   * What follows from one attempt's result.
   *
   * @param outcome delivered, retry, dead-letter or disable
   * @param delayMillis for a retry, the wait before the next attempt; else 0
   * @param reason what the attempt came to, in words (the dead letter's reason)
   */
  public record Decision(Outcome outcome, long delayMillis, String reason) {}

  /**
   * Classifies attempt number {@code attempt}'s result.
   *
   * @param nowMillis the sender's clock (milliseconds since the epoch), against which an HTTP-date
   *     {@code Retry-After} is read
   * @param random the jitter's source; drawn from only when a retry's wait is computed
   */
  public Decision decide(WebhookResponse response, int attempt, long nowMillis, RandomGenerator random) {
    String reason = response.describe();
    if (response.answered()) {
      int status = response.status();
      if (status >= 200 && status < 300) {
        return new Decision(Outcome.DELIVERED, 0, reason);
      }
      if (status == 410) {
        return new Decision(Outcome.DISABLE, 0, DISABLED_REASON);
      }
      boolean retryable = status == 429 || status >= 500;
      if (!retryable) {
        return new Decision(Outcome.DEAD_LETTER, 0, reason + ": not retried (only 429, 5xx, timeouts and"
            + " connection failures are)");
      }
    } else if (response.failure() == WebhookResponse.Failure.NOT_SENT) {
      return new Decision(Outcome.DEAD_LETTER, 0, reason);
    }
    if (attempt >= maxAttempts) {
      return new Decision(Outcome.DEAD_LETTER, 0, reason + " on the last of " + maxAttempts + " attempts");
    }
    long delay = delayMillis(attempt, random);
    if (response.answered() && response.status() == 429 && response.retryAfter() != null) {
      long asked = retryAfterMillis(response.retryAfter(), nowMillis);
      delay = Math.min(Math.max(delay, asked), maxDelayMillis);
    }
    return new Decision(Outcome.RETRY, delay, reason);
  }

  /**
   * A {@code Retry-After} value in milliseconds from {@code nowMillis}: delta-seconds ({@code 120}) or an HTTP-date
   * ({@code Wed, 21 Oct 2015 07:28:00 GMT}, RFC 9110 §10.2.3). A value that is neither, or a date in the past,
   * counts as 0 (the backoff alone then decides).
   */
  public static long retryAfterMillis(String retryAfter, long nowMillis) {
    String value = retryAfter.trim();
    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
      try {
        return Math.multiplyExact(Long.parseLong(value), 1000L);
      } catch (ArithmeticException | NumberFormatException e) {
        return Long.MAX_VALUE;
      }
    }
    try {
      long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      return Math.max(0, at - nowMillis);
    } catch (DateTimeParseException e) {
      return 0;
    }
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialDelayMillis=" + initialDelayMillis + ", multiplier="
        + multiplier + ", maxDelayMillis=" + maxDelayMillis + ", jitter=" + jitter + "]";
  }
}
