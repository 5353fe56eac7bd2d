package io.strategybench.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behaviour of one client connection: takes decoded requests, answers them one at a time and in order
 * (HTTP/1.1 pipelining is allowed, so later requests wait in a short bounded queue, and reading pauses when
 * it is full), routes {@code /_/} to the admin plane and everything else through the stages. A malformed
 * request gets 400 and its connection is closed, since the decoder cannot find the next request in it;
 * other connections are not affected.
 */
final class TargetServerHandler extends ChannelInboundHandlerAdapter {
  static final Logger log = LoggerFactory.getLogger(TargetServerHandler.class);
  /** Pipelined requests waiting behind the current one before reading pauses. */
  static final int MAX_QUEUED = 16;

  private final TargetServer server;
  private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Exchange current;
  private String pendingRejection;

  TargetServerHandler(TargetServer server) {
    this.server = server;
  }

  private ChannelHandlerContext rawContext;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.rawContext = ctx.pipeline().context(TargetServerInitializer.ENCODER);
  }

  /** Writes from here skip the response encoder: for response bytes relayed as they came. */
  ChannelHandlerContext rawContext() {
    return rawContext;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!request.decoderResult().isSuccess()
        && !(request.decoderResult().cause() instanceof TooLongHttpContentException)) {
      String reason = String.valueOf(request.decoderResult().cause());
      request.release();
      server.stats().badRequest();
      ctx.channel().config().setAutoRead(false);
      if (current == null && queued.isEmpty()) {
        rejectMalformed(reason);
      } else {
        pendingRejection = reason; // answered in order, after the requests before it
      }
      return;
    }
    if (current != null) {
      queued.add(request);
      if (queued.size() >= MAX_QUEUED) {
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    start(request);
  }

  /** Whether no exchange is in progress or waiting: an interim response may be written now. */
  boolean isIdle() {
    return current == null && queued.isEmpty();
  }

  private void start(FullHttpRequest request) {
    Exchange exchange = new Exchange(this, ctx, request, server.config(), server.stats(), server.stages(),
        server.timings());
    current = exchange;
    if (request.decoderResult().cause() instanceof TooLongHttpContentException tooLong) {
      server.stats().requestStarted(exchange.phase());
      exchange.respond(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "413 Request Entity Too Large: " + tooLong.getMessage() + "\n");
      return;
    }
    if (request.uri().startsWith("/_/")) {
      exchange.admin();
      server.admin().handle(exchange);
    } else {
      if (exchange.phase() == Phase.MEASURED) {
        server.measuredRequestArrives();
      }
      server.stats().requestStarted(exchange.phase());
      exchange.proceed();
    }
  }

  /** Called by the exchange once its response is complete or abandoned. */
  void exchangeDone(Exchange exchange, boolean close) {
    if (exchange != current) {
      return;
    }
    current = null;
    if (close) {
      releaseQueued();
      ctx.close();
      return;
    }
    FullHttpRequest next = queued.poll();
    if (next == null && pendingRejection != null) {
      rejectMalformed(pendingRejection);
      return;
    }
    if (pendingRejection == null && queued.size() < MAX_QUEUED / 2 && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
    if (next != null) {
      start(next);
    }
  }

  private void rejectMalformed(String reason) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
        Unpooled.copiedBuffer("400 Bad Request: the request could not be parsed as HTTP/1.1 (" + reason + ")\n",
            StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientGone();
      current = null;
    }
    releaseQueued();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && current == null) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private void releaseQueued() {
    FullHttpRequest request;
    while ((request = queued.poll()) != null) {
      request.release();
    }
  }
}
