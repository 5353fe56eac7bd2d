package io.strategybench.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder, with nginx's limits and its strict line parsing, and one rule it cannot see: a
 * carriage return in a request head that is not followed by a line feed. Netty's decoder splits lines at LF,
 * so a head whose lines end in bare CRs is never a line at all, and the client got no answer until the idle
 * timeout; here such a head is refused at once (400) and the rest of the connection's input is dropped. A head
 * must also arrive whole within the header timeout of its first byte (nginx's {@code client_header_timeout}),
 * else 408: a client trickling a head (slowloris) holds its connection that long, not for ever.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
  /** The cause of a head that did not arrive in time: answered 408. */
  static final class HeadTimeout extends IllegalStateException {
    HeadTimeout(long millis) {
      super("the request head did not arrive within " + millis + " ms of its first byte");
    }
  }

  private final long headerTimeoutNanos;
  private io.netty.util.concurrent.ScheduledFuture<?> headTimer;
  /** Whether the next bytes belong to a request head (not to a body). */
  private boolean inHead = true;
  /** A bare CR was found: everything after it is dropped, the connection closes after the 400. */
  private boolean broken;

  StrictRequestDecoder(long headerTimeoutNanos) {
    super(new HttpDecoderConfig()
        .setMaxInitialLineLength(RequestRules.MAX_INITIAL_LINE)
        .setMaxHeaderSize(RequestRules.MAX_HEADER_BYTES)
        .setStrictLineParsing(true));
    this.headerTimeoutNanos = headerTimeoutNanos;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (broken) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    if (inHead && headTimer == null && buffer.isReadable()) {
      headTimer = ctx.executor().schedule(() -> headTimedOut(ctx), headerTimeoutNanos,
          java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    if (inHead) {
      int bareCr = bareCarriageReturn(buffer);
      if (bareCr >= 0) {
        broken = true;
        buffer.skipBytes(buffer.readableBytes());
        FullHttpRequest refused = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/",
            Unpooled.EMPTY_BUFFER);
        refused.setDecoderResult(DecoderResult.failure(new IllegalStateException(
            "a carriage return without a line feed ends a line of the request head; lines end with CRLF")));
        out.add(refused);
        return;
      }
    }
    int before = out.size();
    super.decode(ctx, buffer, out);
    for (int i = before; i < out.size(); i++) {
      Object message = out.get(i);
      if (message instanceof LastHttpContent || message instanceof FullHttpRequest) {
        inHead = true;
      } else if (message instanceof io.netty.handler.codec.http.HttpRequest) {
        inHead = false;
      }
      if (message instanceof io.netty.handler.codec.http.HttpRequest) {
        cancelHeadTimer(); // a head arrived (a full request, or one whose body follows)
      }
    }
  }

  private void headTimedOut(ChannelHandlerContext ctx) {
    headTimer = null;
    if (broken || !ctx.channel().isActive()) {
      return;
    }
    broken = true; // what else comes is dropped; the 408 is answered in its turn, and the connection closed
    FullHttpRequest refused = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/",
        Unpooled.EMPTY_BUFFER);
    refused.setDecoderResult(DecoderResult.failure(new HeadTimeout(headerTimeoutNanos / 1_000_000)));
    ctx.fireChannelRead(refused);
  }

  private void cancelHeadTimer() {
    if (headTimer != null) {
      headTimer.cancel(false);
      headTimer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelHeadTimer();
    super.channelInactive(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    cancelHeadTimer();
    super.handlerRemoved0(ctx);
  }

  /**
   * The index of the first CR followed by something other than LF, in the head that starts at the reader
   * index (up to its blank line), or -1. A CR last in the buffer waits for the next bytes.
   */
  static int bareCarriageReturn(ByteBuf buffer) {
    int end = buffer.writerIndex();
    for (int i = buffer.readerIndex(); i < end; i++) {
      byte b = buffer.getByte(i);
      if (b == '\r') {
        if (i + 1 == end) {
          return -1;
        }
        if (buffer.getByte(i + 1) != '\n') {
          return i;
        }
        if (i + 3 < end && buffer.getByte(i + 2) == '\r' && buffer.getByte(i + 3) == '\n') {
          return -1; // the blank line: the head ends here
        }
      } else if (b == '\n' && i + 1 < end && buffer.getByte(i + 1) == '\n') {
        return -1; // a head ended by bare LFs: strict line parsing refuses it
      }
    }
    return -1;
  }
}
