package io.strategybench.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns a decoded request head and its body parts into one {@link FullHttpRequest}, like Netty's
 * {@code HttpObjectAggregator} but without its cost on the common case: a request without a body becomes a
 * full request that shares the decoded headers and holds no buffer. A body is gathered up to
 * {@code maxBytes}; a larger one (declared or sent) is passed on empty with a {@link TooLongHttpContentException}
 * as its decoder result, for the handler to answer 413 in its turn, and the rest of its body is read and
 * dropped, so nothing grows without bound. {@code Expect: 100-continue} gets its interim answer when nothing
 * is ahead of it on the connection (an interim answer sent behind another response would be taken for that
 * response's); otherwise the client sends its body after its own short wait, as RFC 9110 has it. A request
 * the decoder could not parse is passed on with its failed decoder result, for the handler to answer 400.
 */
final class RequestAssembler extends ChannelInboundHandlerAdapter {
  private final int maxBytes;
  private final java.util.function.BooleanSupplier connectionIdle;
  private HttpRequest head;
  private CompositeByteBuf body;
  private boolean discarding;

  /**
   * @param connectionIdle whether no response is being written or waiting on this connection
   */
  RequestAssembler(int maxBytes, java.util.function.BooleanSupplier connectionIdle) {
    this.maxBytes = maxBytes;
    this.connectionIdle = connectionIdle;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest) {
      ctx.fireChannelRead(msg); // the decoder's own answer to a malformed request
      return;
    }
    if (msg instanceof HttpRequest request) {
      start(ctx, request);
      return;
    }
    if (msg instanceof HttpContent content) {
      append(ctx, content);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private void start(ChannelHandlerContext ctx, HttpRequest request) {
    releaseBody();
    discarding = false;
    if (!request.decoderResult().isSuccess()) {
      fire(ctx, request, Unpooled.EMPTY_BUFFER, null, request.decoderResult());
      return;
    }
    if (HttpUtil.getContentLength(request, -1L) > maxBytes) {
      discarding = true;
      tooLarge(ctx, request);
      return;
    }
    if (HttpUtil.is100ContinueExpected(request) && connectionIdle.getAsBoolean()) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
          Unpooled.EMPTY_BUFFER), ctx.voidPromise());
      request.headers().remove(HttpHeaderNames.EXPECT);
    }
    head = request;
  }

  private void append(ChannelHandlerContext ctx, HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (head == null || discarding) {
      content.release();
      if (last) {
        discarding = false;
      }
      return;
    }
    if (!content.decoderResult().isSuccess()) {
      DecoderResult failure = content.decoderResult();
      content.release();
      HttpRequest request = head;
      head = null;
      releaseBody();
      fire(ctx, request, Unpooled.EMPTY_BUFFER, null, failure);
      return;
    }
    ByteBuf bytes = content.content();
    int size = (body == null ? 0 : body.readableBytes()) + bytes.readableBytes();
    if (size > maxBytes) {
      content.release();
      HttpRequest request = head;
      head = null;
      releaseBody();
      discarding = !last;
      tooLarge(ctx, request);
      return;
    }
    if (bytes.isReadable()) {
      if (body == null) {
        body = ctx.alloc().compositeBuffer(1024);
      }
      body.addComponent(true, bytes.retain());
    }
    HttpHeaders trailers = last ? ((LastHttpContent) content).trailingHeaders() : null;
    content.release();
    if (last) {
      HttpRequest request = head;
      ByteBuf payload = body == null ? Unpooled.EMPTY_BUFFER : body;
      head = null;
      body = null;
      fire(ctx, request, payload, trailers, request.decoderResult());
    }
  }

  private void fire(ChannelHandlerContext ctx, HttpRequest request, ByteBuf payload, HttpHeaders trailers,
      DecoderResult result) {
    HttpHeaders headers = request.headers();
    if (payload.isReadable() && HttpUtil.isTransferEncodingChunked(request)) {
      headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
      headers.setInt(HttpHeaderNames.CONTENT_LENGTH, payload.readableBytes());
    }
    FullHttpRequest full = trailers == null
        ? new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(), payload, headers,
            LastHttpContent.EMPTY_LAST_CONTENT.trailingHeaders())
        : new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(), payload, headers,
            trailers);
    full.setDecoderResult(result);
    ReferenceCountUtil.release(request);
    ctx.fireChannelRead(full);
  }

  /** Passes the request on without its body, marked too large: the handler answers 413 in its turn. */
  private void tooLarge(ChannelHandlerContext ctx, HttpRequest request) {
    request.headers().remove(HttpHeaderNames.EXPECT);
    fire(ctx, request, Unpooled.EMPTY_BUFFER, null, DecoderResult.failure(new TooLongHttpContentException(
        "the body is larger than " + maxBytes + " bytes")));
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseBody();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseBody();
    head = null;
    ctx.fireChannelInactive();
  }
}
