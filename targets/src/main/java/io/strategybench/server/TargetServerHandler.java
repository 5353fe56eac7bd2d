package io.strategybench.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
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
final class TargetServerHandler extends ChannelInboundHandlerAdapter implements Connections.Idleness {
  static final Logger log = LoggerFactory.getLogger(TargetServerHandler.class);
  /** Pipelined requests waiting behind the current one before reading pauses. */
  static final int MAX_QUEUED = 16;
  /**
   * Pipelined requests one connection may have waiting at most. Reading pauses at {@link #MAX_QUEUED}, but the
   * decoder still parses every request of the last read (64 KiB of tiny requests is about 1,800): past this
   * bound they are dropped, the last one answered 503 in its turn, and the connection closed.
   */
  static final int MAX_PIPELINED = 1024;

  private final TargetServer server;
  private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Exchange current;
  private RequestRules.Rejection pendingRejection;
  /** A request was refused: the rest of what this connection sends is dropped, and it closes after the answer. */
  private boolean refusing;
  /** The client is not reading its answers: the next request waits until the outbound buffer drains. */
  private boolean waitingForWrites;

  private final TargetServerInitializer.Listener listener;
  /** Since when no request has been in progress, or 0 while one is (read by the connection cap's thread). */
  private volatile long idleSince = System.nanoTime();

  @Override
  public long idleSinceNanos() {
    return idleSince;
  }

  TargetServerHandler(TargetServer server, TargetServerInitializer.Listener listener) {
    this.server = server;
    this.listener = listener;
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
    if (refusing) {
      request.release(); // after a refusal nothing more is read from this connection
      return;
    }
    RequestRules.Rejection rejection;
    if (!request.decoderResult().isSuccess()) {
      rejection = request.decoderResult().cause() instanceof TooLongHttpContentException ? null
          : RequestRules.undecodable(request.decoderResult());
    } else {
      rejection = RequestRules.check(request);
    }
    if (rejection == null && queued.size() >= MAX_PIPELINED) {
      server.stats().pipelineOverflow();
      rejection = new RequestRules.Rejection(HttpResponseStatus.SERVICE_UNAVAILABLE, MAX_PIPELINED
          + " pipelined requests already wait on this connection; this one and any after it were dropped:"
          + " send them again on a new connection");
    } else if (rejection != null) {
      server.stats().badRequest();
    }
    if (rejection != null) {
      request.release();
      refusing = true;
      ctx.channel().config().setAutoRead(false);
      if (current == null && queued.isEmpty()) {
        refuse(rejection);
      } else {
        pendingRejection = rejection; // answered in order, after the requests before it
      }
      return;
    }
    if (current != null || waitingForWrites) {
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
    idleSince = 0;
    Exchange exchange = new Exchange(this, ctx, request, server.config(), server.stats(), server.stages(),
        server.timings());
    current = exchange;
    if (request.decoderResult().cause() instanceof TooLongHttpContentException tooLong) {
      server.stats().requestStarted(exchange.phase());
      exchange.respond(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "413 Request Entity Too Large: " + tooLong.getMessage() + "\n");
      return;
    }
    boolean adminPath = request.uri().startsWith("/_/");
    if (listener == TargetServerInitializer.Listener.ADMIN || (adminPath && !server.config().admin().separate())) {
      exchange.admin();
      String refusal = adminPath ? adminRefusal(request) : null;
      if (!adminPath) {
        exchange.respond(HttpResponseStatus.NOT_FOUND, "404 Not Found: this is the admin listener; it serves /_/"
            + " only (traffic goes to port " + server.port() + ")\n");
      } else if (refusal != null) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            refusal.startsWith("401") ? HttpResponseStatus.UNAUTHORIZED : HttpResponseStatus.FORBIDDEN,
            Unpooled.copiedBuffer(refusal + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        if (refusal.startsWith("401")) {
          response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"strategybench-admin\"");
        }
        exchange.respond(response);
      } else {
        server.admin().handle(exchange);
      }
    } else {
      if (exchange.phase() == Phase.MEASURED) {
        server.measuredRequestArrives();
      }
      server.stats().requestStarted(exchange.phase());
      exchange.proceed();
    }
  }

  /**
   * Why an admin request is refused, or null: without the token where one is required (401); from a browser
   * page ({@code Origin}) or under a {@code Host} that is not loopback (DNS rebinding) without a token (403).
   */
  private String adminRefusal(FullHttpRequest request) {
    AdminAccess access = server.config().admin();
    String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (access.token() != null) {
      return access.authorizes(authorization) ? null
          : "401 Unauthorized: the admin plane needs its token: Authorization: Bearer TOKEN (printed at start and"
              + " written to the admin token file)";
    }
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (origin != null) {
      return "403 Forbidden: admin requests from a browser page (Origin: " + RequestRules.printable(origin)
          + ") are refused";
    }
    if (!AdminAccess.loopbackHost(request.headers().get(HttpHeaderNames.HOST))) {
      return "403 Forbidden: admin requests must name loopback in Host (localhost or 127.0.0.1), got '"
          + RequestRules.printable(request.headers().get(HttpHeaderNames.HOST)) + "'";
    }
    return null;
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
    advance();
  }

  /**
   * Leaves the pipeline for a protocol that takes the connection over (a WebSocket): the exchange in progress is done,
   * pipelined requests behind it are dropped, the assembler and the idle timer go with this handler; the decoder and
   * encoder stay for the new protocol's handshake to replace.
   */
  void detach() {
    current = null;
    releaseQueued();
    refusing = true;
    ChannelPipeline p = ctx.pipeline();
    for (String name : new String[] {"assembler", "idle"}) {
      if (p.get(name) != null) {
        p.remove(name);
      }
    }
    p.remove(this);
    ctx.channel().config().setAutoRead(true); // reading may have paused for pipelined requests; the new protocol reads
  }

  /**
   * Starts the next waiting request, or answers a pending refusal, but only while the client reads what it is
   * sent: with the connection's outbound buffer past its high-water mark, nothing more is started and nothing
   * more is read until it drains. So a client that sends and never reads holds one connection's water mark,
   * not an ever-growing queue of answers the target made itself (cache hits, 429s, the admin plane).
   */
  private void advance() {
    if (!ctx.channel().isWritable()) {
      waitingForWrites = true;
      ctx.channel().config().setAutoRead(false);
      return;
    }
    waitingForWrites = false;
    FullHttpRequest next = queued.poll();
    if (next == null && pendingRejection == null) {
      idleSince = System.nanoTime();
    }
    if (next == null && pendingRejection != null) {
      refuse(pendingRejection);
      return;
    }
    if (!refusing && queued.size() < MAX_QUEUED / 2 && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
    if (next != null) {
      start(next);
    }
  }

  private void refuse(RequestRules.Rejection rejection) {
    pendingRejection = null;
    HttpResponseStatus status = rejection.status();
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(status.code() + " " + status.reasonPhrase() + ": " + rejection.reason() + "\n",
            StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
      response.headers().set(HttpHeaderNames.ALLOW, RequestRules.ALLOWED_METHODS);
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientWritabilityChanged(ctx.channel().isWritable());
    } else if (waitingForWrites && ctx.channel().isWritable()) {
      advance();
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
    if (evt instanceof IdleStateEvent && (current == null || !ctx.channel().isWritable())) {
      // Idle, or taking none of its answer for the whole idle timeout (nginx's send_timeout): the client's
      // exchange ends as the client's doing, never the backend's.
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
