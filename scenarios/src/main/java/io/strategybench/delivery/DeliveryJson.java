package io.strategybench.delivery;

import java.util.ArrayList;
import java.util.List;

/** Reads the delivery family's two JSON forms (an event, a poll's answer) without a JSON library. */
final class DeliveryJson {
  private final String s;
  private int i;

  DeliveryJson(String s) {
    this.s = s;
  }

  ReceivedEvent event() {
    String id = null;
    long seq = -1;
    long published = -1;
    int dataLength = -1;
    expect('{');
    if (!peek('}')) {
      do {
        String key = string();
        expect(':');
        switch (key) {
          case "id" -> id = string();
          case "seq" -> seq = number();
          case "published" -> published = number();
          case "data" -> dataLength = string().length();
          default -> skipValue();
        }
      } while (comma());
    }
    expect('}');
    if (id == null || id.isEmpty() || seq < 0 || published < 0 || dataLength < 0) {
      throw fail("an event needs id, seq, published and data");
    }
    return new ReceivedEvent(id, seq, published, dataLength);
  }

  PollReply pollReply() {
    List<ReceivedEvent> events = null;
    String last = null;
    expect('{');
    if (!peek('}')) {
      do {
        String key = string();
        expect(':');
        switch (key) {
          case "events" -> {
            events = new ArrayList<>();
            expect('[');
            if (!peek(']')) {
              do {
                events.add(event());
              } while (comma());
            }
            expect(']');
          }
          case "last" -> last = string();
          default -> skipValue();
        }
      } while (comma());
    }
    expect('}');
    if (events == null || last == null) {
      throw fail("a poll's answer needs events and last");
    }
    return new PollReply(List.copyOf(events), last);
  }

  /** Only blanks may follow. */
  void end() {
    skip();
    if (i != s.length()) {
      throw fail("unexpected text after the value");
    }
  }

  private void skipValue() {
    skip();
    if (i >= s.length()) {
      throw fail("a value is missing");
    }
    char c = s.charAt(i);
    if (c == '"') {
      string();
    } else if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      i++;
      if (!peek(close)) {
        do {
          if (c == '{') {
            string();
            expect(':');
          }
          skipValue();
        } while (comma());
      }
      expect(close);
    } else {
      int start = i;
      while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      if (start == i) {
        throw fail("a value is missing");
      }
    }
  }

  private void skip() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private boolean peek(char c) {
    skip();
    return i < s.length() && s.charAt(i) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw fail("expected '" + c + "'");
    }
    i++;
  }

  private boolean comma() {
    if (peek(',')) {
      i++;
      return true;
    }
    return false;
  }

  private long number() {
    skip();
    int start = i;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (start == i || i - start > 18) {
      throw fail("expected a whole number");
    }
    return Long.parseLong(s, start, i, 10);
  }

  private String string() {
    expect('"');
    StringBuilder b = null;
    int start = i;
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == '"') {
        return b == null ? s.substring(start, i - 1) : b.toString();
      }
      if (c == '\\') {
        if (b == null) {
          b = new StringBuilder().append(s, start, i - 1);
        }
        if (i >= s.length()) {
          break;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw fail("a cut \\u escape");
            }
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      } else if (b != null) {
        b.append(c);
      }
    }
    throw fail("an unterminated string");
  }

  private IllegalArgumentException fail(String what) {
    String shown = s.length() <= 120 ? s : s.substring(0, 120) + "...";
    return new IllegalArgumentException(what + " at character " + i + ": " + shown);
  }
}
