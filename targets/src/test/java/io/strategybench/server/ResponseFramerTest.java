package io.strategybench.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResponseFramerTest {
  private final ResponseFramer framer = new ResponseFramer(PooledByteBufAllocator.DEFAULT);

  @AfterEach
  void release() {
    framer.release();
  }

  /** What the sink saw, as text. */
  static final class Recorded implements ResponseFramer.Sink {
    final StringBuilder head = new StringBuilder();
    final StringBuilder body = new StringBuilder();
    int status;
    int ends;
    boolean reusable;

    @Override
    public void head(int status, ByteBuf clientHead) {
      this.status = status;
      head.append(clientHead.toString(StandardCharsets.ISO_8859_1));
      clientHead.release();
    }

    @Override
    public void body(ByteBuf bytes) {
      body.append(bytes.toString(StandardCharsets.ISO_8859_1));
      bytes.release();
    }

    @Override
    public void end(boolean reusable) {
      ends++;
      this.reusable = reusable;
    }
  }

  /**
   * Feeds {@code wire} cut into pieces at every position (and whole), checks each split gives the same result,
   * and returns it with what was left after the response.
   */
  private Recorded frame(String wire, boolean headRequest, boolean keepAlive, StringBuilder leftover) throws Exception {
    return frame(wire, headRequest, keepAlive, false, leftover);
  }

  private Recorded frame(String wire, boolean headRequest, boolean keepAlive, boolean http10, StringBuilder leftover)
      throws Exception {
    Recorded reference = null;
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    for (int cut = 0; cut <= bytes.length; cut++) {
      Recorded r = new Recorded();
      framer.expect(headRequest, keepAlive, http10);
      StringBuilder rest = new StringBuilder();
      for (byte[] piece : new byte[][] {java.util.Arrays.copyOfRange(bytes, 0, cut),
          java.util.Arrays.copyOfRange(bytes, cut, bytes.length)}) {
        ByteBuf in = Unpooled.wrappedBuffer(piece);
        if (!framer.isDone()) {
          framer.feed(in, r);
        }
        rest.append(in.toString(StandardCharsets.ISO_8859_1));
        in.release();
      }
      if (reference == null) {
        reference = r;
        leftover.append(rest);
      } else {
        assertThat(r.head.toString()).as("cut at %d", cut).isEqualTo(reference.head.toString());
        assertThat(r.body.toString()).as("cut at %d", cut).isEqualTo(reference.body.toString());
        assertThat(r.ends).as("cut at %d", cut).isEqualTo(reference.ends);
        assertThat(rest.toString()).as("cut at %d", cut).isEqualTo(leftover.toString());
      }
    }
    return reference;
  }

  private Recorded frame(String wire) throws Exception {
    return frame(wire, false, true, new StringBuilder());
  }

  @Test
  void relaysAContentLengthResponseAndKeepsEndToEndHeaders() throws Exception {
    StringBuilder rest = new StringBuilder();
    Recorded r = frame("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nConnection: keep-alive\r\n"
        + "X-Trace: abc\r\n\r\nhelloEXTRA", false, true, rest);
    assertThat(r.status).isEqualTo(200);
    assertThat(r.head).hasToString("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nX-Trace: abc\r\n\r\n");
    assertThat(r.body).hasToString("hello");
    assertThat(r.ends).isEqualTo(1);
    assertThat(r.reusable).isTrue();
    assertThat(rest).as("bytes after the response are left for the caller").hasToString("EXTRA");
  }

  @Test
  void relaysAChunkedBodyVerbatimAndFindsItsEnd() throws Exception {
    String body = "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n";
    StringBuilder rest = new StringBuilder();
    Recorded r = frame("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 999\r\n\r\n" + body + "NEXT",
        false, true, rest);
    assertThat(r.head).as("a Content-Length beside chunked is dropped")
        .hasToString("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    assertThat(r.body).hasToString(body);
    assertThat(r.ends).isEqualTo(1);
    assertThat(rest).hasToString("NEXT");
  }

  @Test
  void responsesWithoutABodyEndAtTheirHead() throws Exception {
    for (String status : List.of("204 No Content", "304 Not Modified")) {
      Recorded r = frame("HTTP/1.1 " + status + "\r\nContent-Length: 10\r\n\r\n");
      assertThat(r.ends).as(status).isEqualTo(1);
      assertThat(r.body).isEmpty();
    }
    Recorded head = frame("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true, true, new StringBuilder());
    assertThat(head.ends).as("the answer to HEAD").isEqualTo(1);
    assertThat(head.head.toString()).contains("Content-Length: 10");
    Recorded empty = frame("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertThat(empty.ends).isEqualTo(1);
  }

  @Test
  void skipsInterimResponses() throws Exception {
    Recorded r = frame("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
    assertThat(r.status).isEqualTo(201);
    assertThat(r.head.toString()).startsWith("HTTP/1.1 201 Created\r\n").doesNotContain("Link");
    assertThat(r.body).hasToString("ok");
  }

  @Test
  void dropsHopByHopHeadersAndThoseConnectionNames() throws Exception {
    Recorded r = frame("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nX-Internal: 1\r\nConnection: keep-alive, X-Internal\r\n"
        + "Proxy-Connection: keep-alive\r\nContent-Length: 0\r\n\r\n");
    assertThat(r.head).hasToString("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertThat(r.reusable).isTrue();
  }

  @Test
  void aBodyWithoutLengthRunsUntilCloseAndClosesTheClientToo() throws Exception {
    framer.expect(false, true, false);
    Recorded r = new Recorded();
    ByteBuf in = Unpooled.copiedBuffer("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nsome bytes", StandardCharsets.ISO_8859_1);
    framer.feed(in, r);
    in.release();
    assertThat(r.head.toString()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("connection: close\r\n\r\n");
    assertThat(r.ends).isZero();
    assertThat(framer.closesClient()).isTrue();
    framer.closed(r);
    assertThat(r.ends).isEqualTo(1);
    assertThat(framer.closesClient()).as("still known once the response is complete").isTrue();
    assertThat(r.reusable).isFalse();
    assertThat(r.body).hasToString("some bytes");
  }

  @Test
  void connectionCloseOrHttp10MakeTheConnectionNotReusable() throws Exception {
    assertThat(frame("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx").reusable).isFalse();
    assertThat(frame("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx").reusable).isFalse();
    assertThat(frame("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx").reusable).isTrue();
  }

  @Test
  void aClientThatDoesNotKeepAliveIsToldToClose() throws Exception {
    Recorded r = frame("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", false, false, new StringBuilder());
    assertThat(r.head).hasToString("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nconnection: close\r\n\r\n");
  }

  @Test
  void acceptsBareLineFeeds() throws Exception {
    Recorded r = frame("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi");
    assertThat(r.head).hasToString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
    assertThat(r.body).hasToString("hi");
  }

  @Test
  void rejectsMalformedResponses() {
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {"HTTP/2 200 OK\r\n\r\n", "not an HTTP/1.x status line"});
    cases.add(new String[] {"HTTP/1.1 20x OK\r\n\r\n", "bad status code"});
    cases.add(new String[] {"HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", "malformed header line"});
    cases.add(new String[] {"HTTP/1.1 200 OK\r\nX: 1\r\n  folded\r\n\r\n", "folded header line"});
    cases.add(new String[] {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting Content-Length"});
    cases.add(new String[] {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"});
    cases.add(new String[] {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"});
    cases.add(new String[] {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab", "chunk data not followed by CRLF"});
    cases.add(new String[] {"HTTP/1.1 101 Switching Protocols\r\n\r\n", "switched protocols"});
    // A sign or a stray CR in a chunk line would make proxy and client read different lengths (or loop).
    cases.add(new String[] {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n", "bad chunk size"});
    cases.add(new String[] {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n", "bad chunk size"});
    cases.add(new String[] {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r0\r\n", "bare CR"});
    cases.add(new String[] {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n", "bad chunk size"});
    for (String[] c : cases) {
      framer.expect(false, true, false);
      ByteBuf in = Unpooled.copiedBuffer(c[0], StandardCharsets.ISO_8859_1);
      try {
        assertThatThrownBy(() -> framer.feed(in, new Recorded())).as(c[0]).hasMessageContaining(c[1]);
      } finally {
        in.release();
      }
    }
  }

  @Test
  void aTransferCodingOtherThanChunkedEndsAtCloseWhateverContentLengthSays() throws Exception {
    framer.expect(false, true, false);
    Recorded r = new Recorded();
    ByteBuf in = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabcdef",
        StandardCharsets.ISO_8859_1);
    framer.feed(in, r);
    in.release();
    assertThat(r.head).hasToString("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nconnection: close\r\n\r\n");
    assertThat(r.ends).as("not framed by Content-Length").isZero();
    assertThat(framer.closesClient()).isTrue();
    framer.closed(r);
    assertThat(r.body).hasToString("abcdef");
    assertThat(r.reusable).isFalse();
  }

  @Test
  void anHttp10ClientGetsTheChunksDataDelimitedByClose() throws Exception {
    StringBuilder rest = new StringBuilder();
    Recorded r = frame("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\n"
        + "T: 1\r\n\r\nNEXT", false, true, true, rest);
    assertThat(r.head).hasToString("HTTP/1.1 200 OK\r\nX-A: 1\r\nconnection: close\r\n\r\n");
    assertThat(r.body).hasToString("hello world");
    assertThat(r.ends).isEqualTo(1);
    assertThat(r.reusable).as("the upstream connection is fine; only the client's closes").isTrue();
    assertThat(framer.closesClient()).isTrue();
    assertThat(rest).hasToString("NEXT");
  }

  @Test
  void aHeadTooLongIsRejected() {
    framer.expect(false, true, false);
    ByteBuf in = Unpooled.buffer();
    in.writeCharSequence("HTTP/1.1 200 OK\r\n", StandardCharsets.ISO_8859_1);
    while (in.readableBytes() <= ResponseFramer.MAX_HEAD) {
      in.writeCharSequence("X-Padding: 0123456789012345678901234567890123456789\r\n", StandardCharsets.ISO_8859_1);
    }
    try {
      assertThatThrownBy(() -> framer.feed(in, new Recorded())).hasMessageContaining("response head longer than");
    } finally {
      in.release();
    }
  }

  @Test
  void aConnectionClosedMidResponseIsAnError() throws Exception {
    framer.expect(false, true, false);
    ByteBuf in = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", StandardCharsets.ISO_8859_1);
    Recorded r = new Recorded();
    framer.feed(in, r);
    in.release();
    assertThatThrownBy(() -> framer.closed(r)).hasMessageContaining("closed in the middle");
  }
}
