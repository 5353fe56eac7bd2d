package io.strategybench.delivery;

/** The one JSON shape of an event, written and read without a JSON library (the hot path of every channel). */
final class EventJson {
  private EventJson() {}

  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  static Event parse(String json) {
    Reader r = new Reader(json);
    String id = null;
    String data = null;
    long seq = -1;
    long published = -1;
    r.expect('{');
    if (!r.peek('}')) {
      do {
        String key = r.string();
        r.expect(':');
        switch (key) {
          case "id" -> id = r.string();
          case "data" -> data = r.string();
          case "seq" -> seq = r.number();
          case "published" -> published = r.number();
          default -> throw new IllegalArgumentException("unknown field '" + key + "' in an event: " + cut(json));
        }
      } while (r.comma());
    }
    r.expect('}');
    if (id == null || data == null || seq < 0 || published < 0) {
      throw new IllegalArgumentException("an event needs id, seq, published and data: " + cut(json));
    }
    return new Event(id, seq, published, data);
  }

  private static String cut(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }

  private static final class Reader {
    private final String s;
    private int i;

    Reader(String s) {
      this.s = s;
    }

    void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    boolean peek(char c) {
      skip();
      if (i < s.length() && s.charAt(i) == c) {
        return true;
      }
      return false;
    }

    void expect(char c) {
      skip();
      if (i >= s.length() || s.charAt(i) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at character " + i + " of an event: " + cut(s));
      }
      i++;
    }

    boolean comma() {
      skip();
      if (i < s.length() && s.charAt(i) == ',') {
        i++;
        return true;
      }
      return false;
    }

    long number() {
      skip();
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("expected a number at character " + i + " of an event: " + cut(s));
      }
      return Long.parseLong(s.substring(start, i));
    }

    String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\') {
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
                throw new IllegalArgumentException("a cut \\u escape in an event: " + cut(s));
              }
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
      throw new IllegalArgumentException("an unterminated string in an event: " + cut(s));
    }
  }
}
