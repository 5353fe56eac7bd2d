package io.strategybench.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One upstream connection: sends one request at a time and relays its response, piece by piece, into the
 * exchange, flushing the client once per read batch. It stops reading the upstream while the client cannot
 * take more (backpressure instead of buffering). When the response is complete the connection goes back
 * to its pool, unless either side asked to close.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final Upstream.Pool pool;
  private Channel channel;
  private Exchange exchange;
  private UpstreamListener listener;
  private long sentAt;
  private ScheduledFuture<?> timeout;
  private boolean headReceived;
  private boolean skipping;
  private boolean reusable;
  private boolean mayRetryStale;
  private int status;

  UpstreamHandler(Upstream.Pool pool) {
    this.pool = pool;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.channel = ctx.channel();
  }

  /** Sends the exchange's request on this connection. On the pool's loop. */
  void start(Exchange exchange, UpstreamListener listener, boolean mayRetryStale) {
    if (exchange.isDone()) {
      // The client left while a connection was found for it: keep the connection, send nothing.
      pool.release(channel, true);
      listener.failed(Upstream.Failure.CLIENT_GONE, "the client closed its connection", 0);
      return;
    }
    this.exchange = exchange;
    this.listener = listener;
    this.mayRetryStale = mayRetryStale;
    this.headReceived = false;
    this.skipping = false;
    this.status = 0;
    this.sentAt = System.nanoTime();
    FullHttpRequest request = exchange.upstreamRequest();
    reusable = HttpUtil.isKeepAlive(request);
    exchange.upstream(channel);
    channel.config().setAutoRead(true);
    channel.writeAndFlush(request, channel.voidPromise());
    timeout = channel.eventLoop().schedule(this::timedOut, pool.responseTimeoutNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Exchange ex = exchange;
    if (ex == null) {
      // Nothing was asked: an upstream that talks out of turn cannot be trusted with the next request.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (msg instanceof HttpResponse head) {
      if (!head.decoderResult().isSuccess()) {
        ReferenceCountUtil.release(msg);
        fail(Upstream.Failure.BAD_RESPONSE, "malformed response: " + head.decoderResult().cause());
        return;
      }
      int code = head.status().code();
      if (code >= 100 && code < 200) {
        skipping = true; // an interim response; the real one follows
        ReferenceCountUtil.release(msg);
        return;
      }
      headReceived = true;
      status = code;
      reusable &= HttpUtil.isKeepAlive(head);
      ex.sendHead(head);
      if (!(msg instanceof HttpContent)) {
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      if (skipping) {
        content.release();
        if (content instanceof LastHttpContent) {
          skipping = false;
        }
        return;
      }
      if (!content.decoderResult().isSuccess()) {
        content.release();
        fail(Upstream.Failure.BAD_RESPONSE, "malformed response body: " + content.decoderResult().cause());
        return;
      }
      if (content instanceof LastHttpContent last) {
        complete(last);
      } else {
        ex.sendContent(content);
      }
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.flush();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange == null) {
      return;
    }
    if (!headReceived && mayRetryStale && isIdempotent(exchange)) {
      // A pooled connection the upstream had already closed: try once more on a fresh one.
      Exchange ex = exchange;
      UpstreamListener l = listener;
      detach();
      pool.send(ex, l, false);
      return;
    }
    fail(Upstream.Failure.RESET, "upstream " + pool.address() + " closed the connection"
        + (headReceived ? " in the middle of the response" : " before answering"));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void complete(LastHttpContent last) {
    Exchange ex = exchange;
    UpstreamListener l = listener;
    long latency = System.nanoTime() - sentAt;
    int code = status;
    detach();
    pool.release(channel, reusable);
    ex.sendLast(last);
    l.completed(code, latency);
  }

  private void timedOut() {
    if (exchange == null) {
      return;
    }
    fail(Upstream.Failure.TIMEOUT, "upstream " + pool.address() + " did not answer within "
        + TimeUnit.NANOSECONDS.toMillis(pool.responseTimeoutNanos()) + " ms");
  }

  private void fail(Upstream.Failure failure, String detail) {
    Exchange ex = exchange;
    UpstreamListener l = listener;
    long latency = System.nanoTime() - sentAt;
    detach();
    channel.close();
    if (ex.isHeadSent()) {
      ex.abort();
    }
    l.failed(failure, detail, latency);
  }

  private void detach() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
    if (exchange != null) {
      exchange.upstream(null);
    }
    exchange = null;
    listener = null;
  }

  private static boolean isIdempotent(Exchange exchange) {
    HttpMethod method = exchange.request().method();
    return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
        || method == HttpMethod.PUT || method == HttpMethod.DELETE;
  }
}
