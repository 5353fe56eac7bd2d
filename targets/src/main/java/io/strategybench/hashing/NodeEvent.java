package io.strategybench.hashing;

import io.strategybench.backend.Durations;
import java.util.Locale;

/**
 * A change to the set of cache nodes at a time offset: {@code add@10s} adds a node, {@code remove@20s}
 * removes the middle node, {@code remove=n3@20s} removes n3. Offsets count from start or from the last
 * {@code /_/reset}, like backend faults.
 *
 * @param offsetNanos when
 * @param add true to add a node, false to remove one
 * @param node the node to remove, or null for the middle one
 */
public record NodeEvent(long offsetNanos, boolean add, String node) {

  /** @throws IllegalArgumentException naming the event and the accepted forms */
  public static NodeEvent parse(String input) {
    String text = input.trim();
    String form = "; write add@OFFSET, remove@OFFSET or remove=NODE@OFFSET (e.g. add@10s, remove=n3@20s)";
    int at = text.lastIndexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException("node event '" + text + "' has no offset" + form);
    }
    if (at == 0) {
      throw new IllegalArgumentException("node event '" + text + "' has no action" + form);
    }
    long offset = Durations.parseNanos(text.substring(at + 1), "node event '" + text + "' offset");
    String action = text.substring(0, at).trim().toLowerCase(Locale.ROOT);
    if (action.equals("add")) {
      return new NodeEvent(offset, true, null);
    }
    if (action.equals("remove")) {
      return new NodeEvent(offset, false, null);
    }
    if (action.startsWith("remove=") && action.length() > 7) {
      return new NodeEvent(offset, false, text.substring(7, at).trim());
    }
    throw new IllegalArgumentException("node event '" + text + "': unknown action '" + action + "'" + form);
  }

  @Override
  public String toString() {
    return (add ? "add" : node == null ? "remove" : "remove=" + node) + "@" + Durations.format(offsetNanos);
  }
}
