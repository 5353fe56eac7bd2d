package io.strategybench.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One request travelling through the target server's stages, and its response on the way back.
 *
 * <p>The exchange owns the decoded request and releases it exactly once, when the response is complete or
 * the client has gone. A response is either local ({@link #respond}) or relayed from an upstream in pieces
 * ({@link #sendHead}, {@link #sendContent}, {@link #sendLast}), which hand their message to the client
 * channel and so pass on its ownership. Everything runs on the client connection's event loop.
 */
public final class Exchange {
  private static final io.netty.util.AsciiString X_FORWARDED_FOR =
      io.netty.util.AsciiString.cached("x-forwarded-for");
  private static final String[] HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
      "upgrade", "proxy-authorization", "proxy-authenticate", "expect"};

  private final TargetServerHandler owner;
  private final ChannelHandlerContext ctx;
  private final FullHttpRequest request;
  private final long startNanos;
  private final Phase phase;
  private final boolean keepAlive;
  private final ServerConfig config;
  private final ServerStats stats;
  private final Stage[] stages;
  private final StageTiming[] timings;
  private int nextStage;
  private int holder = -1;
  private long heldSince;
  private ResponseTap tap;
  private ByteBuf captured;
  private HttpHeaders capturedHeaders;
  private String notCapturable;

  private String clientAddress;
  private String sessionId;
  private boolean sessionParsed;
  private Channel upstream;
  private int status;
  private boolean headSent;
  private boolean done;
  private boolean prepared;
  private boolean admin;
  private List<java.util.function.IntConsumer> onDone;

  Exchange(TargetServerHandler owner, ChannelHandlerContext ctx, FullHttpRequest request, ServerConfig config,
      ServerStats stats, Stage[] stages, StageTiming[] timings) {
    this.owner = owner;
    this.ctx = ctx;
    this.request = request;
    this.startNanos = System.nanoTime();
    this.phase = Phase.of(request.headers());
    this.keepAlive = HttpUtil.isKeepAlive(request);
    this.config = config;
    this.stats = stats;
    this.stages = stages;
    this.timings = timings;
  }

  /** The part of a load run this request belongs to, as its client labelled it. */
  public Phase phase() {
    return phase;
  }

  /** Marks an admin-plane exchange: it is not counted in the server's request statistics. */
  void admin() {
    this.admin = true;
  }

  /** The decoded request; owned by the exchange, do not release it. */
  public FullHttpRequest request() {
    return request;
  }

  public Channel channel() {
    return ctx.channel();
  }

  /** The client connection's event loop; upstream connections for this exchange should use it too. */
  public EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  /** Whether the client spoke HTTP/1.0 (and so cannot take a chunked body). */
  public boolean isHttp10() {
    return request.protocolVersion().equals(HttpVersion.HTTP_1_0);
  }

  /** Whether the client's connection stays open after this exchange. */
  public boolean keepAlive() {
    return keepAlive;
  }

  /** When the request was decoded, by {@link System#nanoTime()}. */
  public long startNanos() {
    return startNanos;
  }

  /** Passes the exchange to the next stage; after the last one, answers 500. */
  public void proceed() {
    if (done) {
      return;
    }
    boolean timed = timings != null && !admin && StageTiming.counts(phase);
    long now = timed ? System.nanoTime() : 0;
    if (timed && holder >= 0) {
      timings[holder].passed(now - heldSince);
      holder = -1;
    }
    if (nextStage >= stages.length) {
      respond(HttpResponseStatus.INTERNAL_SERVER_ERROR, "no stage answered this request\n");
      return;
    }
    int index = nextStage++;
    if (timed) {
      timings[index].entered();
      holder = index;
      heldSince = now;
    }
    Stage stage = stages[index];
    try {
      stage.handle(this);
    } catch (RuntimeException e) {
      TargetServerHandler.log.warn("stage {} failed on {} {}", stage.name(), request.method(), request.uri(), e);
      if (!headSent) {
        respond(HttpResponseStatus.INTERNAL_SERVER_ERROR, "stage " + stage.name() + " failed: " + e + "\n");
      } else {
        abort();
      }
    }
  }

  /**
   * Passes the exchange to the next stage, and hands {@code tap} the response the stages after it give, once it is
   * complete (or tells it why not). One tap per exchange.
   *
   * @throws IllegalStateException when a stage before set a tap already
   */
  public void proceedCapturing(ResponseTap tap) {
    if (this.tap != null) {
      throw new IllegalStateException("a response tap is set already: only one stage of a pipeline may capture");
    }
    this.tap = tap;
    proceed();
  }

  /** The client's address: the first {@code X-Forwarded-For} hop, else the connection's peer. */
  public String clientAddress() {
    if (clientAddress == null) {
      String forwarded = request.headers().get(X_FORWARDED_FOR);
      if (forwarded != null && !forwarded.isBlank()) {
        int comma = forwarded.indexOf(',');
        clientAddress = (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
      } else {
        SocketAddress remote = ctx.channel().remoteAddress();
        clientAddress = remote instanceof InetSocketAddress inet ? inet.getHostString() : String.valueOf(remote);
      }
    }
    return clientAddress;
  }

  /** Whether the client named its address in {@code X-Forwarded-For}. */
  public boolean hasForwardedFor() {
    return request.headers().contains(X_FORWARDED_FOR);
  }

  /** The session, from the session cookie or header; {@code null} when the request carries none. */
  public String sessionId() {
    if (!sessionParsed) {
      sessionParsed = true;
      sessionId = request.headers().get(config.sessionHeader());
      if (sessionId == null) {
        String cookies = request.headers().get(HttpHeaderNames.COOKIE);
        if (cookies != null) {
          for (Cookie cookie : ServerCookieDecoder.LAX.decode(cookies)) {
            if (cookie.name().equals(config.sessionCookie())) {
              sessionId = cookie.value();
              break;
            }
          }
        }
      }
    }
    return sessionId;
  }

  /**
   * The request to send upstream: hop-by-hop headers removed, HTTP/1.1 keep-alive, optionally with
   * {@code X-Forwarded-For}; its content retained once more, so the caller's write releases only its own
   * reference and the exchange can still retry.
   */
  public FullHttpRequest upstreamRequest() {
    HttpHeaders headers = request.headers();
    if (!prepared) {
      prepared = true;
      for (String name : HOP_BY_HOP) {
        headers.remove(name);
      }
      if (config.addForwardedFor()) {
        SocketAddress remote = ctx.channel().remoteAddress();
        String peer = remote instanceof InetSocketAddress inet ? inet.getHostString() : String.valueOf(remote);
        String existing = headers.get(X_FORWARDED_FOR);
        headers.set(X_FORWARDED_FOR, existing == null ? peer : existing + ", " + peer);
      }
    }
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
        request.content().retainedDuplicate(), headers, request.trailingHeaders());
  }

  /** Remembers the upstream channel relaying the response, so client backpressure can pause it. */
  public void upstream(Channel channel) {
    this.upstream = channel;
  }

  /** Answers with a plain-text body. */
  public void respond(HttpResponseStatus status, String text) {
    ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    respond(response);
  }

  /** Answers with a complete response; takes ownership of it. */
  public void respond(FullHttpResponse response) {
    if (done || headSent) {
      response.release();
      if (!done) {
        abort();
      }
      return;
    }
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (tap != null) {
      captureHead(response.status().code(), response.headers());
      captureBody(response.content());
    }
    if (request.method() == io.netty.handler.codec.http.HttpMethod.HEAD) {
      FullHttpResponse headers = response.replace(Unpooled.EMPTY_BUFFER); // the length GET would have, no body
      response.release();
      response = headers;
    }
    sendHead(response);
    finish(response, response.content().readableBytes(), System.nanoTime(), !keepAlive);
  }

  /**
   * Relays the head of an upstream response as bytes, already rewritten for this client; takes ownership.
   * It goes to the socket past the response encoder: the proxy does not decode and encode what it relays.
   */
  public void sendRawHead(ByteBuf head, int status) {
    if (done) {
      head.release();
      return;
    }
    headSent = true;
    this.status = status;
    if (tap != null) {
      captureRawHead(status, head);
    }
    rawWrite(head);
  }

  /** Relays body bytes of an upstream response as they came; takes ownership. */
  public void sendRawContent(ByteBuf bytes) {
    if (done) {
      bytes.release();
      return;
    }
    stats.bytesOut(bytes.readableBytes());
    if (tap != null) {
      captureBody(bytes);
    }
    rawWrite(bytes);
  }

  /** Ends a relayed response at {@code nowNanos}; the client connection closes after it if {@code close}. */
  public void endRaw(boolean close, long nowNanos) {
    if (done) {
      return;
    }
    finish(Unpooled.EMPTY_BUFFER, 0, nowNanos, close || !keepAlive);
  }

  private void rawWrite(ByteBuf bytes) {
    owner.rawContext().write(bytes, ctx.voidPromise());
    if (!ctx.channel().isWritable() && upstream != null) {
      UpstreamHandler.clientBackpressure(upstream, true);
    }
  }

  /** Relays the head of an upstream response; takes ownership of it. */
  public void sendHead(HttpResponse head) {
    if (done) {
      io.netty.util.ReferenceCountUtil.release(head);
      return;
    }
    headSent = true;
    status = head.status().code();
    head.setProtocolVersion(HttpVersion.HTTP_1_1);
    HttpHeaders headers = head.headers();
    headers.remove(HttpHeaderNames.CONNECTION);
    headers.remove(HttpHeaderNames.KEEP_ALIVE);
    if (!keepAlive) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (!(head instanceof FullHttpResponse) && !HttpUtil.isContentLengthSet(head)
        && !HttpUtil.isTransferEncodingChunked(head)) {
      HttpUtil.setTransferEncodingChunked(head, true);
    }
    if (head instanceof FullHttpResponse) {
      return; // written whole by finish()
    }
    if (tap != null) {
      captureHead(status, headers);
    }
    write(head);
  }

  /** Relays a part of an upstream response body; takes ownership of it. */
  public void sendContent(HttpContent content) {
    if (done) {
      content.release();
      return;
    }
    stats.bytesOut(content.content().readableBytes());
    if (tap != null) {
      captureBody(content.content());
    }
    write(content);
  }

  /** Relays the end of an upstream response and completes the exchange; takes ownership of it. */
  public void sendLast(LastHttpContent last) {
    if (done) {
      last.release();
      return;
    }
    if (tap != null) {
      captureBody(last.content());
    }
    finish(last, last.content().readableBytes(), System.nanoTime(), !keepAlive);
  }

  /** Flushes what was relayed so far to the client. */
  public void flush() {
    if (!done) {
      ctx.flush();
    }
  }

  /** Closes the client connection because the response cannot be completed (it was already started). */
  public void abort() {
    if (done) {
      return;
    }
    done = true;
    stats.aborted();
    tapEnds(false, "the response was aborted");
    release();
    owner.exchangeDone(this, true);
  }

  /**
   * Hands the connection over to another protocol (a WebSocket upgrade): the exchange ends as answered with 101, the
   * server's own HTTP handlers leave the pipeline (its decoder and encoder stay for {@code takeover} to replace, as
   * Netty's handshakers do), requests pipelined behind this one are dropped, and {@code takeover} gets the channel
   * and the request, which is released after it returns. Nothing may be sent through the exchange afterwards.
   *
   * @throws IllegalStateException when a response was started already
   */
  public void takeOver(java.util.function.BiConsumer<Channel, FullHttpRequest> takeover) {
    if (done || headSent) {
      throw new IllegalStateException("the exchange was answered already; it cannot be taken over");
    }
    done = true;
    headSent = true;
    status = 101;
    long now = System.nanoTime();
    if (!admin) {
      stats.responded(phase, status, now - startNanos);
      if (holder >= 0) {
        timings[holder].answered(now - heldSince);
        holder = -1;
      }
    }
    tapEnds(false, "the connection was taken over by another protocol");
    owner.detach();
    try {
      takeover.accept(ctx.channel(), request);
    } finally {
      release();
    }
  }

  public boolean isDone() {
    return done;
  }

  public boolean isHeadSent() {
    return headSent;
  }

  /** Status of the response once its head was sent, else 0. */
  public int status() {
    return status;
  }

  void clientGone() {
    if (!done) {
      done = true;
      tapEnds(false, "the client left before the response was complete");
      release();
      Channel up = upstream;
      if (up != null) {
        up.pipeline().fireUserEventTriggered(UpstreamHandler.CLIENT_GONE);
      }
    }
  }

  void clientWritabilityChanged(boolean writable) {
    UpstreamHandler.clientBackpressure(upstream, !writable);
  }

  private void write(Object message) {
    ctx.write(message, ctx.voidPromise());
    if (!ctx.channel().isWritable() && upstream != null) {
      UpstreamHandler.clientBackpressure(upstream, true);
    }
  }

  private void finish(Object last, int lastBytes, long nowNanos, boolean close) {
    done = true;
    if (!admin) {
      stats.bytesOut(lastBytes);
      stats.responded(phase, status, nowNanos - startNanos);
      if (holder >= 0) {
        timings[holder].answered(nowNanos - heldSince);
        holder = -1;
      }
    }
    tapEnds(true, null);
    Channel up = upstream;
    if (up != null && !up.config().isAutoRead()) {
      up.config().setAutoRead(true);
    }
    release();
    if (!close) {
      ctx.writeAndFlush(last, ctx.voidPromise());
      owner.exchangeDone(this, false);
    } else {
      ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
      owner.exchangeDone(this, true);
    }
  }

  private void release() {
    try {
      request.release();
    } finally {
      List<java.util.function.IntConsumer> hooks = onDone;
      if (hooks != null) {
        onDone = null;
        for (java.util.function.IntConsumer hook : hooks) {
          try {
            hook.accept(status);
          } catch (RuntimeException e) {
            TargetServerHandler.log.warn("completion hook failed on {} {}", request.method(), request.uri(), e);
          }
        }
      }
    }
  }

  // ---- capture: a copy of the response for the tap of an earlier stage --------------------------------------

  private void captureHead(int code, HttpHeaders headers) {
    capturedHeaders = new io.netty.handler.codec.http.DefaultHttpHeaders().set(headers);
    status = code;
    if (capturedHeaders.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true)) {
      notCapturable = "its body is chunked";
    }
  }

  /** Parses the head of a relayed response (status line and header lines, as sent to the client). */
  private void captureRawHead(int code, ByteBuf head) {
    HttpHeaders headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
    String text = head.toString(head.readerIndex(), head.readableBytes(), StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
      }
    }
    captureHead(code, headers);
  }

  private void captureBody(ByteBuf bytes) {
    if (notCapturable != null || !bytes.isReadable()) {
      return;
    }
    if (captured == null) {
      captured = Unpooled.buffer(Math.min(bytes.readableBytes(), ResponseTap.MAX_BYTES));
    }
    if (captured.readableBytes() + bytes.readableBytes() > ResponseTap.MAX_BYTES) {
      notCapturable = "its body is over " + ResponseTap.MAX_BYTES + " bytes";
      captured.release();
      captured = null;
      return;
    }
    captured.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
  }

  /** Hands the tap what was captured, once: the response if it completed and could be kept, else why not. */
  private void tapEnds(boolean completed, String why) {
    ResponseTap t = tap;
    if (t == null) {
      return;
    }
    tap = null;
    ByteBuf body = captured != null ? captured : Unpooled.EMPTY_BUFFER;
    captured = null;
    try {
      if (completed && notCapturable == null && capturedHeaders != null) {
        t.completed(status, capturedHeaders, body);
      } else {
        body.release();
        t.notCaptured(why != null ? why : notCapturable != null ? notCapturable : "no response head was seen");
      }
    } catch (RuntimeException e) {
      TargetServerHandler.log.warn("response tap failed on {} {}", request.method(), request.uri(), e);
    }
  }

  /**
   * Runs {@code hook} once when the exchange ends, whichever way: answered, aborted, or the client gone. It
   * receives the response status, or 0 when no response was sent. Hooks run in the order they were added.
   */
  public void whenDone(java.util.function.IntConsumer hook) {
    if (done) {
      hook.accept(status);
      return;
    }
    if (onDone == null) {
      onDone = new java.util.ArrayList<>(2);
    }
    onDone.add(hook);
  }
}
