package io.strategybench.delivery;

/**
 * The order of event ids, whichever fan-out made them: a sequence number ({@code 42}) or a Redis stream entry id
 * ({@code 1733300000000-3}), compared as the pair (first number, second number or 0). A subscriber that resumes
 * from an id gets only events after it, even those its instance hears late.
 */
public final class EventIds {
  private EventIds() {}

  /** Negative, zero or positive as {@code a} is before, the same as or after {@code b}. */
  public static int compare(String a, String b) {
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    int c = Long.compareUnsigned(Long.parseUnsignedLong(da < 0 ? a : a.substring(0, da)),
        Long.parseUnsignedLong(db < 0 ? b : b.substring(0, db)));
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(da < 0 ? 0 : Long.parseUnsignedLong(a.substring(da + 1)),
        db < 0 ? 0 : Long.parseUnsignedLong(b.substring(db + 1)));
  }
}
