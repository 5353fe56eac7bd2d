package io.strategybench.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Finds where each HTTP/1.x response ends in the byte stream of an upstream connection, and rewrites its
 * head for the client. The proxy relays body bytes as they came (chunked framing included) instead of
 * decoding the response into objects and encoding it again, as the response path of a fast proxy does.
 * Only the framing is parsed, in place and byte by byte: the status line, {@code Content-Length},
 * {@code Transfer-Encoding}, {@code Connection}, and the chunk sizes of a chunked body. The client's head
 * keeps every end-to-end header as it came and drops the hop-by-hop ones ({@code Connection},
 * {@code Keep-Alive}, {@code Proxy-Connection}, and whatever {@code Connection} names).
 *
 * <p>Malformed input ends the exchange with {@link BadResponse}: no status line, a header line without a
 * colon or folded onto the previous one, conflicting lengths, a bad chunk size, a head over
 * {@value #MAX_HEAD} bytes, or a protocol switch the proxy never asked for. Interim 1xx responses are
 * skipped. One framer serves one connection, one response at a time.
 */
final class ResponseFramer {
  static final int MAX_HEAD = 64 * 1024;
  private static final int MAX_CHUNK_LINE = 4096;
  private static final int CRLF = ('\r' << 8) | '\n';
  private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
  private static final byte[] CONNECTION_CLOSE = ascii("connection: close\r\n");
  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");
  private static final byte[] PROXY_CONNECTION = ascii("proxy-connection");
  private static final byte[] CHUNKED = ascii("chunked");
  private static final byte[] CLOSE = ascii("close");

  /** A response the framer cannot make sense of. */
  static final class BadResponse extends Exception {
    BadResponse(String message) {
      super(message, null, false, false);
    }
  }

  /** Receives the parts of a response as they are found. */
  interface Sink {
    /** The head, rewritten for the client; ownership passes. */
    void head(int status, ByteBuf clientHead);

    /** Body bytes exactly as the upstream sent them; ownership passes. */
    void body(ByteBuf bytes);

    /** The response is complete; {@code reusable} says whether the connection may carry another request. */
    void end(boolean reusable);
  }

  private enum Phase { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, UNTIL_CLOSE, DONE }

  private final ByteBuf head;
  private final StringBuilder line = new StringBuilder();
  private Phase phase = Phase.DONE;
  private boolean headRequest;
  private boolean clientKeepAlive;
  private boolean clientHttp10;
  private boolean dechunk;
  private boolean reusable;
  private boolean closeClient;
  private boolean sawCr;
  private long remaining;
  private int status;

  /** Header lines of the current head: start, end (without CR LF), end of name, and whether to drop it. */
  private int[] lineStart = new int[32];
  private int[] lineEnd = new int[32];
  private int[] nameEnd = new int[32];
  private boolean[] drop = new boolean[32];

  ResponseFramer(ByteBufAllocator allocator) {
    this.head = allocator.heapBuffer(512, MAX_HEAD);
  }

  /**
   * Expects a new response, to a request with the given method, from a client that keeps its connection
   * alive or not and speaks HTTP/1.0 or 1.1. An HTTP/1.0 client cannot take a chunked body: it gets the
   * chunks' data, delimited by the close of its connection.
   */
  void expect(boolean headRequest, boolean clientKeepAlive, boolean clientHttp10) {
    this.headRequest = headRequest;
    this.clientKeepAlive = clientKeepAlive;
    this.clientHttp10 = clientHttp10;
    this.dechunk = false;
    this.phase = Phase.HEAD;
    this.head.clear();
    this.line.setLength(0);
    this.sawCr = false;
    this.status = 0;
    this.closeClient = !clientKeepAlive;
  }

  boolean isDone() {
    return phase == Phase.DONE;
  }

  /** Whether no byte of the expected response has arrived yet. */
  boolean nothingReceived() {
    return phase == Phase.HEAD && head.writerIndex() == 0 && status == 0;
  }

  /** Whether the response's head has been relayed. */
  boolean headSent() {
    return status != 0;
  }

  int status() {
    return status;
  }

  /**
   * Consumes what {@code in} holds of the current response and reports its parts to {@code sink}. Stops at
   * the end of the response; bytes after it are left in {@code in}.
   */
  void feed(ByteBuf in, Sink sink) throws BadResponse {
    while (in.isReadable() && phase != Phase.DONE) {
      switch (phase) {
        case HEAD -> readHead(in, sink);
        case FIXED -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          sink.body(in.readRetainedSlice(n));
          remaining -= n;
          if (remaining == 0) {
            finish(sink);
          }
        }
        case UNTIL_CLOSE -> sink.body(in.readRetainedSlice(in.readableBytes()));
        default -> readChunked(in, sink);
      }
    }
  }

  /** The upstream closed the connection: ends a body that runs until close, else the response is broken. */
  void closed(Sink sink) throws BadResponse {
    if (phase == Phase.UNTIL_CLOSE) {
      reusable = false;
      finish(sink);
    } else if (phase != Phase.DONE) {
      throw new BadResponse("the connection closed in the middle of the response");
    }
  }

  void release() {
    head.release();
  }

  // ---- head ----------------------------------------------------------------------------------------------------

  private void readHead(ByteBuf in, Sink sink) throws BadResponse {
    int start = in.readerIndex();
    int end = in.writerIndex();
    int i = start;
    while (i < end) {
      int lf = in.indexOf(i, end, (byte) '\n');
      if (lf < 0) {
        break;
      }
      if (endsHead(in, start, lf)) {
        append(in, start, lf + 1 - start);
        in.readerIndex(lf + 1);
        parseHead(sink);
        return;
      }
      i = lf + 1;
    }
    append(in, start, end - start);
    in.readerIndex(end);
  }

  private void append(ByteBuf in, int from, int length) throws BadResponse {
    if (head.writerIndex() + length > MAX_HEAD) {
      throw new BadResponse("response head longer than " + MAX_HEAD + " bytes");
    }
    head.writeBytes(in, from, length);
  }

  /** Whether the LF at {@code lf} ends an empty line (CRLF CRLF, or LF LF), looking back into {@code head}. */
  private boolean endsHead(ByteBuf in, int start, int lf) {
    int back1 = byteBefore(in, start, lf, 1);
    if (back1 == '\n') {
      return true;
    }
    return back1 == '\r' && byteBefore(in, start, lf, 2) == '\n';
  }

  private int byteBefore(ByteBuf in, int start, int at, int distance) {
    int index = at - distance;
    if (index >= start) {
      return in.getByte(index);
    }
    int inHead = head.writerIndex() - (start - index);
    return inHead >= 0 ? head.getByte(inHead) : -1;
  }

  /**
   * Parses the status line and the headers in place and writes the client's head: the status line as
   * HTTP/1.1, the end-to-end headers copied as they came, and {@code connection: close} when the client's
   * connection ends after this response.
   */
  private void parseHead(Sink sink) throws BadResponse {
    // The head is a heap buffer: parse its array, without a bounds and liveness check per byte.
    byte[] a = head.array();
    int base = head.arrayOffset();
    int end = base + head.writerIndex();
    int statusEnd = lineEndAt(a, base, end);
    int statusLength = contentEnd(a, base, statusEnd) - base;
    if (statusLength < 12 || !startsWith(a, base, "HTTP/1.") || a[base + 8] != ' ') {
      throw new BadResponse("not an HTTP/1.x status line: '"
          + abbreviate(new String(a, base, Math.min(statusLength, 80), StandardCharsets.ISO_8859_1)) + "'");
    }
    boolean http10 = a[base + 7] == '0';
    int code = 0;
    for (int i = base + 9; i < base + 12; i++) {
      byte b = a[i];
      if (b < '0' || b > '9') {
        throw new BadResponse("bad status code in the status line");
      }
      code = code * 10 + (b - '0');
    }
    if (code < 100 || code > 599) {
      throw new BadResponse("status code " + code + " out of range");
    }
    if (code == 101) {
      throw new BadResponse("the upstream switched protocols, which the proxy never asked for");
    }
    if (code < 200) {
      head.clear(); // an interim response (100 Continue, 103 Early Hints): wait for the real one
      return;
    }
    long contentLength = -1;
    boolean chunked = false;
    boolean transferEncoding = false;
    boolean close = http10;
    List<String> connectionTokens = null;
    int count = 0;
    int pos = statusEnd + 1;
    while (pos < end) {
      int le = lineEndAt(a, pos, end);
      int ce = contentEnd(a, pos, le);
      if (ce == pos) {
        break; // the empty line
      }
      if (isSpace(a[pos])) {
        throw new BadResponse("folded header line (obsolete line folding is not accepted)");
      }
      int colon = indexOf(a, pos, ce, (byte) ':');
      if (colon <= pos || isSpace(a[colon - 1])) {
        throw new BadResponse("malformed header line '"
            + abbreviate(new String(a, pos, ce - pos, StandardCharsets.ISO_8859_1)) + "'");
      }
      if (count == lineStart.length) {
        grow();
      }
      lineStart[count] = pos;
      lineEnd[count] = ce;
      nameEnd[count] = colon;
      drop[count] = false;
      int vs = colon + 1;
      int ve = ce;
      while (vs < ve && isSpace(a[vs])) {
        vs++;
      }
      while (ve > vs && isSpace(a[ve - 1])) {
        ve--;
      }
      int nameLength = colon - pos;
      if (nameLength == CONTENT_LENGTH.length && nameIs(a, pos, colon, CONTENT_LENGTH)) {
        long parsed = parseLength(a, vs, ve);
        if (contentLength >= 0 && parsed != contentLength) {
          throw new BadResponse("conflicting Content-Length headers");
        }
        contentLength = parsed;
      } else if (nameLength == TRANSFER_ENCODING.length && nameIs(a, pos, colon, TRANSFER_ENCODING)) {
        transferEncoding = true;
        int ts = vs;
        for (int c = vs; c < ve; c++) {
          if (a[c] == ',') {
            ts = c + 1;
          }
        }
        while (ts < ve && isSpace(a[ts])) {
          ts++;
        }
        chunked = nameIs(a, ts, ve, CHUNKED);
        if (!chunked) {
          close = true; // a body whose length only the close can tell
        }
      } else if (nameLength == CONNECTION.length && nameIs(a, pos, colon, CONNECTION)) {
        drop[count] = true;
        int ts = vs;
        while (ts < ve) {
          int comma = indexOf(a, ts, ve, (byte) ',');
          int te = comma < 0 ? ve : comma;
          int from = ts;
          int to = te;
          while (from < to && isSpace(a[from])) {
            from++;
          }
          while (to > from && isSpace(a[to - 1])) {
            to--;
          }
          if (nameIs(a, from, to, CLOSE)) {
            close = true;
          } else if (nameIs(a, from, to, KEEP_ALIVE)) {
            if (http10) {
              close = false;
            }
          } else if (to > from) {
            if (connectionTokens == null) {
              connectionTokens = new ArrayList<>();
            }
            connectionTokens.add(new String(a, from, to - from, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
          }
          ts = te + 1;
        }
      } else if ((nameLength == KEEP_ALIVE.length && nameIs(a, pos, colon, KEEP_ALIVE))
          || (nameLength == PROXY_CONNECTION.length && nameIs(a, pos, colon, PROXY_CONNECTION))) {
        drop[count] = true;
      }
      count++;
      pos = le + 1;
    }
    status = code;
    reusable = !close;
    Phase body;
    if (headRequest || code == 204 || code == 304) {
      body = Phase.DONE;
    } else if (chunked) {
      body = Phase.CHUNK_SIZE;
      dechunk = clientHttp10;
    } else if (transferEncoding) {
      // A coding other than chunked last: only the close can tell the end (RFC 9112 6.3), whatever
      // Content-Length says; the client is not shown a length that would frame it differently.
      body = Phase.UNTIL_CLOSE;
      reusable = false;
    } else if (contentLength >= 0) {
      body = contentLength == 0 ? Phase.DONE : Phase.FIXED;
      remaining = contentLength;
    } else {
      body = Phase.UNTIL_CLOSE;
      reusable = false;
    }
    closeClient = !clientKeepAlive || body == Phase.UNTIL_CLOSE || dechunk;
    ByteBuf out = head.alloc().directBuffer(end - base + CONNECTION_CLOSE.length);
    out.writeBytes(HTTP_1_1);
    out.writeBytes(a, base + 8, statusLength - 8);
    out.writeShort(CRLF);
    for (int i = 0; i < count; i++) {
      if (drop[i] || (transferEncoding && nameIs(a, lineStart[i], nameEnd[i], CONTENT_LENGTH))
          || (dechunk && nameIs(a, lineStart[i], nameEnd[i], TRANSFER_ENCODING))
          || (connectionTokens != null && namedBy(a, lineStart[i], nameEnd[i], connectionTokens))) {
        continue;
      }
      out.writeBytes(a, lineStart[i], lineEnd[i] - lineStart[i]);
      out.writeShort(CRLF);
    }
    if (closeClient) {
      out.writeBytes(CONNECTION_CLOSE);
    }
    out.writeShort(CRLF);
    phase = body;
    line.setLength(0);
    sawCr = false;
    sink.head(code, out);
    if (phase == Phase.DONE) {
      finish(sink);
    }
  }

  /** Whether the client connection must close after this response: it asked to, or the body ends at close. */
  boolean closesClient() {
    return closeClient;
  }

  // ---- chunked body --------------------------------------------------------------------------------------------

  /**
   * Follows the chunk sizes to find the end of a chunked body, forwarding its bytes verbatim, or only the
   * chunks' data when de-chunking for an HTTP/1.0 client. Chunk-size and trailer lines end with CRLF or LF;
   * a CR anywhere else in them is rejected, so the proxy and the client cannot read a line differently.
   */
  private void readChunked(ByteBuf in, Sink sink) throws BadResponse {
    int start = in.readerIndex();
    int i = start;
    int end = in.writerIndex();
    while (i < end && phase != Phase.DONE) {
      switch (phase) {
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          if (dechunk) {
            sink.body(in.retainedSlice(i, n));
          }
          i += n;
          remaining -= n;
          if (remaining == 0) {
            phase = Phase.CHUNK_DATA_END;
          }
        }
        case CHUNK_DATA_END -> {
          byte b = in.getByte(i++);
          if (b == '\r' && !sawCr) {
            sawCr = true;
          } else if (b == '\n') {
            sawCr = false;
            phase = Phase.CHUNK_SIZE;
          } else {
            throw new BadResponse("chunk data not followed by CRLF");
          }
        }
        case CHUNK_SIZE, TRAILERS -> {
          byte b = in.getByte(i++);
          if (sawCr && b != '\n') {
            throw new BadResponse("a bare CR in a chunk size or trailer line");
          }
          if (b == '\n') {
            sawCr = false;
            String text = line.toString();
            line.setLength(0);
            if (phase == Phase.CHUNK_SIZE) {
              long size = parseChunkSize(text);
              if (size == 0) {
                phase = Phase.TRAILERS;
              } else {
                remaining = size;
                phase = Phase.CHUNK_DATA;
              }
            } else if (text.isEmpty()) {
              phase = Phase.DONE;
            }
          } else if (b == '\r') {
            sawCr = true;
          } else {
            if (line.length() >= MAX_CHUNK_LINE) {
              throw new BadResponse("chunk size or trailer line longer than " + MAX_CHUNK_LINE + " bytes");
            }
            line.append((char) (b & 0xff));
          }
        }
        default -> throw new IllegalStateException(phase.toString());
      }
    }
    if (!dechunk) {
      sink.body(in.retainedSlice(start, i - start));
    }
    in.readerIndex(i);
    if (phase == Phase.DONE) {
      finish(sink);
    }
  }

  private void finish(Sink sink) {
    phase = Phase.DONE;
    sink.end(reusable);
  }

  /** Hex digits only (no sign, no prefix), then optional extensions after {@code ;}; at most 15 digits. */
  private static long parseChunkSize(String text) throws BadResponse {
    int semicolon = text.indexOf(';');
    String hex = (semicolon < 0 ? text : text.substring(0, semicolon)).trim();
    if (hex.isEmpty() || hex.length() > 15) {
      throw new BadResponse("bad chunk size '" + abbreviate(text) + "'");
    }
    long size = 0;
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) {
        throw new BadResponse("bad chunk size '" + abbreviate(text) + "'");
      }
      size = size * 16 + digit;
    }
    return size;
  }

  // ---- bytes ---------------------------------------------------------------------------------------------------

  private static int indexOf(byte[] a, int from, int to, byte value) {
    for (int i = from; i < to; i++) {
      if (a[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static int lineEndAt(byte[] a, int from, int end) {
    int lf = indexOf(a, from, end, (byte) '\n');
    return lf < 0 ? end : lf;
  }

  /** End of a line's content: before its CR, if any. */
  private static int contentEnd(byte[] a, int start, int lf) {
    return lf > start && a[lf - 1] == '\r' ? lf - 1 : lf;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t';
  }

  private static boolean startsWith(byte[] a, int at, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (a[at + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether bytes [from, to) equal the lower-case ASCII {@code name}, ignoring case. */
  private static boolean nameIs(byte[] a, int from, int to, byte[] name) {
    if (to - from != name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      int b = a[from + i];
      if (b >= 'A' && b <= 'Z') {
        b += 'a' - 'A';
      }
      if (b != name[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean namedBy(byte[] a, int from, int to, List<String> tokens) {
    return tokens.contains(new String(a, from, to - from, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
  }

  private void grow() {
    int n = lineStart.length * 2;
    lineStart = Arrays.copyOf(lineStart, n);
    lineEnd = Arrays.copyOf(lineEnd, n);
    nameEnd = Arrays.copyOf(nameEnd, n);
    drop = Arrays.copyOf(drop, n);
  }

  private static long parseLength(byte[] a, int from, int to) throws BadResponse {
    if (to <= from || to - from > 18) {
      throw new BadResponse("bad Content-Length");
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      byte b = a[i];
      if (b < '0' || b > '9') {
        throw new BadResponse("bad Content-Length '" + new String(a, from, to - from, StandardCharsets.ISO_8859_1) + "'");
      }
      value = value * 10 + (b - '0');
    }
    return value;
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
