package io.strategybench.idempotency;

/**
 * One request carrying an idempotency key.
 *
 * @param key the {@code Idempotency-Key} header, 1 to 255 characters
 * @param fingerprint a digest of what the request asks for (method, path, body): the same key with another
 *     fingerprint is a different request reusing a key
 * @param crash where this attempt dies, as an instance killed at that point would: {@link CrashPoint#NONE} in
 *     service; the tests and the simulation use the others
 */
public record Attempt(String key, String fingerprint, CrashPoint crash) {
  /** The longest key the draft and Stripe allow. */
  public static final int MAX_KEY_LENGTH = 255;

  public Attempt {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("an idempotency key has 1 to " + MAX_KEY_LENGTH + " characters, got "
          + (key == null ? "none" : key.length()));
    }
  }

  /** An attempt in service: it does not crash. */
  public Attempt(String key, String fingerprint) {
    this(key, fingerprint, CrashPoint.NONE);
  }

  /** Where an attempt dies, as if its instance were killed there: nothing after it runs, nothing is cleaned up. */
  public enum CrashPoint {
    /** It does not. */
    NONE,
    /** After taking the key (the lock, the row), before the effect. */
    HOLDING_LOCK,
    /** After the effect, before its response is stored. */
    AFTER_EFFECT
  }
}
