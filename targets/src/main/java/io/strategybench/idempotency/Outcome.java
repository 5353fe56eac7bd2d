package io.strategybench.idempotency;

/** What an attempt came to. */
public sealed interface Outcome {
  /** This attempt ran the effect; its response is stored. */
  record Processed(StoredResponse response) implements Outcome {}

  /** An earlier attempt's stored response, answered again byte for byte. */
  record Replayed(StoredResponse response) implements Outcome {}

  /** Another attempt with this key is running: 409, try again later. */
  record InFlight() implements Outcome {}

  /** The key was used with another fingerprint: 422. */
  record Mismatch() implements Outcome {}

  /**
   * This attempt's lock expired and was taken by another: its effect was refused (an older fencing token than the
   * key's newest), or, when it had applied, its response was not stored over the newer holder's (409).
   */
  record Fenced() implements Outcome {}

  /** The attempt died at its crash point (tests and simulation only): no answer, nothing cleaned up. */
  record Crashed() implements Outcome {}

  /** The store could not answer (down, timed out): 503, and the key is left as the store left it. */
  record Failed(String why) implements Outcome {}
}
