package io.strategybench.backend;

import java.util.Locale;

/**
 * Something that happens to a simulated backend at a time offset, written {@code NAME@OFFSET:ACTION}:
 * {@code b4@30s:slow=10} (service times ten times longer), {@code b2@10s:error=503} (answer every request
 * with that status), {@code b2@20s:refuse} (stop accepting connections and drop open ones: dead), and
 * {@code b2@40s:recover} (back to normal).
 *
 * <p>Offsets count from the start of the backends, or from the last {@code /_/reset} of the server that
 * hosts them, so a load run's warm-up does not shift them.
 *
 * @param backend the backend's name ({@code b1} ... {@code bN})
 * @param offsetNanos when, from the start of the timeline
 * @param kind what happens
 * @param value the slow-down factor for {@code SLOW}, the status for {@code ERROR}, else 0
 */
public record Fault(String backend, long offsetNanos, Kind kind, double value) {

  /** What a fault does. */
  public enum Kind { SLOW, ERROR, REFUSE, RECOVER }

  /**
   * Parses {@code NAME@OFFSET:ACTION}.
   *
   * @throws IllegalArgumentException naming the fault and the accepted form
   */
  public static Fault parse(String text) {
    String form = "; write NAME@OFFSET:ACTION with ACTION one of slow=FACTOR, error=STATUS, refuse, recover"
        + " (e.g. b4@30s:slow=10)";
    int at = text.indexOf('@');
    int colon = text.indexOf(':', Math.max(at, 0));
    if (at <= 0 || colon < at) {
      throw new IllegalArgumentException("fault '" + text + "' is malformed" + form);
    }
    String backend = text.substring(0, at).trim();
    long offset = Durations.parseNanos(text.substring(at + 1, colon), "fault '" + text + "' offset");
    String action = text.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
    String name = action.contains("=") ? action.substring(0, action.indexOf('=')) : action;
    String argument = action.contains("=") ? action.substring(action.indexOf('=') + 1) : null;
    switch (name) {
      case "slow": {
        double factor = number(argument, text, "slow=FACTOR");
        if (!(factor > 0 && factor <= 10_000)) {
          throw new IllegalArgumentException("fault '" + text + "': slow factor must be in (0, 10000]");
        }
        return new Fault(backend, offset, Kind.SLOW, factor);
      }
      case "error": {
        double status = argument == null ? 503 : number(argument, text, "error=STATUS");
        if (status < 500 || status > 599 || status != Math.rint(status)) {
          throw new IllegalArgumentException("fault '" + text + "': error status must be 500..599");
        }
        return new Fault(backend, offset, Kind.ERROR, status);
      }
      case "refuse":
        return new Fault(backend, offset, Kind.REFUSE, 0);
      case "recover":
        return new Fault(backend, offset, Kind.RECOVER, 0);
      default:
        throw new IllegalArgumentException("fault '" + text + "': unknown action '" + name + "'" + form);
    }
  }

  private static double number(String argument, String text, String form) {
    try {
      return Double.parseDouble(argument);
    } catch (NullPointerException | NumberFormatException e) {
      throw new IllegalArgumentException("fault '" + text + "': expected " + form);
    }
  }

  @Override
  public String toString() {
    String action = switch (kind) {
      case SLOW -> "slow=" + (value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value));
      case ERROR -> "error=" + (int) value;
      case REFUSE -> "refuse";
      case RECOVER -> "recover";
    };
    return backend + "@" + Durations.format(offsetNanos) + ":" + action;
  }
}
