package io.strategybench.delivery;

/** Event ids that are sequence numbers as text ({@code local}, {@code redis-pubsub}). */
public final class SeqIds {
  private SeqIds() {}

  /** Null when {@code id} is a sequence number (0 or more, at most 19 digits), else what is wrong. */
  public static String check(String id, String fanout) {
    if (id.isEmpty() || id.length() > 19 || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return "event id '" + printable(id) + "' is not one " + fanout + " makes: a sequence number (digits only,"
          + " e.g. 42; 0 for the start)";
    }
    return null;
  }

  /** The id as it may be shown in a message: cut at 40 characters, controls as {@code ?}. */
  public static String printable(String id) {
    String cut = id.length() > 40 ? id.substring(0, 40) + "..." : id;
    return cut.replaceAll("[\\p{Cntrl}]", "?");
  }
}
