package io.strategybench.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * One upstream connection: sends one request at a time (encoded by Netty's {@code HttpRequestEncoder}) and
 * relays the response's bytes into the exchange as they arrive, with only its framing parsed
 * ({@link ResponseFramer}); the client is flushed once per read batch. Reading the upstream pauses while
 * the client cannot take more (backpressure instead of buffering). When the response is complete the
 * connection goes back to its pool, unless either side asked to close or the upstream sent more than it was
 * asked for.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter implements ResponseFramer.Sink {
  /** Fired on the upstream channel when the client of its exchange has gone. */
  static final Object CLIENT_GONE = new Object();

  private final Upstream.Pool pool;
  private Channel channel;
  private ResponseFramer framer;
  private Exchange exchange;
  private UpstreamListener listener;
  private long sentAt;
  private boolean mayRetryStale;
  private boolean ended;
  private boolean endReusable;

  /** Deadline of the request in flight, and its neighbours in the pool's list of busy connections. */
  long deadline;
  UpstreamHandler previousBusy;
  UpstreamHandler nextBusy;
  boolean busy;

  UpstreamHandler(Upstream.Pool pool) {
    this.pool = pool;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    framer = new ResponseFramer(ctx.alloc());
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    framer.release();
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
    this.ended = false;
    FullHttpRequest request = exchange.upstreamRequest();
    framer.expect(request.method() == HttpMethod.HEAD, exchange.keepAlive(), exchange.isHttp10());
    exchange.upstream(channel);
    channel.config().setAutoRead(true);
    sentAt = System.nanoTime();
    deadline = sentAt + pool.responseTimeoutNanos();
    pool.track(this);
    channel.writeAndFlush(request, channel.voidPromise());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      if (exchange == null) {
        // Nothing was asked: an upstream that talks out of turn cannot be trusted with the next request.
        ctx.close();
        return;
      }
      if (busy) {
        // The response timeout runs between reads (nginx's proxy_read_timeout): a long body that keeps coming
        // is not cut. Every request of a pool shares the timeout, so moving to the tail keeps deadline order.
        deadline = System.nanoTime() + pool.responseTimeoutNanos();
        pool.track(this);
      }
      framer.feed(in, this);
      if (ended) {
        complete(endReusable && !in.isReadable());
      }
    } catch (ResponseFramer.BadResponse e) {
      fail(Upstream.Failure.BAD_RESPONSE, "malformed response from " + pool.address() + ": " + e.getMessage());
    } finally {
      in.release();
    }
  }

  @Override
  public void head(int status, ByteBuf clientHead) {
    exchange.sendRawHead(clientHead, status);
  }

  @Override
  public void body(ByteBuf bytes) {
    exchange.sendRawContent(bytes);
  }

  @Override
  public void end(boolean reusable) {
    ended = true;
    endReusable = reusable;
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
    try {
      framer.closed(this);
      if (ended) {
        complete(false); // a body that ran until the upstream closed
        return;
      }
    } catch (ResponseFramer.BadResponse e) {
      // handled below
    }
    if (framer.nothingReceived() && mayRetryStale && isIdempotent(exchange)) {
      // A pooled connection the upstream had already closed: try once more on a fresh one.
      Exchange ex = exchange;
      UpstreamListener l = listener;
      detach();
      pool.send(ex, l, false);
      return;
    }
    fail(Upstream.Failure.RESET, "upstream " + pool.address() + " closed the connection"
        + (framer.headSent() ? " in the middle of the response" : " before answering"));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /**
   * The client left: stop relaying. The connection is closed rather than drained (the rest of a large
   * response is not worth reading) and the outcome is not the backend's fault.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == CLIENT_GONE && exchange != null && exchange.isDone()) {
      UpstreamListener l = listener;
      long latency = System.nanoTime() - sentAt;
      detach();
      channel.close();
      l.failed(Upstream.Failure.CLIENT_GONE, "the client closed its connection", latency);
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  /** Called by the pool's sweep once the deadline has passed. */
  void timedOut() {
    if (exchange != null) {
      fail(Upstream.Failure.TIMEOUT, "upstream " + pool.address() + " sent nothing for "
          + TimeUnit.NANOSECONDS.toMillis(pool.responseTimeoutNanos()) + " ms");
    }
  }

  /**
   * The client of the exchange relayed on {@code upstream} stopped taking bytes ({@code paused}) or took them
   * again. While it is paused the upstream is not read and its response timeout does not run: a client that does
   * not read is not the backend's failure (it would have ejected healthy backends). A client that reads nothing
   * for the idle timeout is closed by its own connection's handler. On the exchange's event loop.
   */
  static void clientBackpressure(Channel upstream, boolean paused) {
    if (upstream == null || !upstream.isActive()) {
      return;
    }
    if (upstream.pipeline().get("relay") instanceof UpstreamHandler handler) {
      handler.backpressure(paused);
    } else {
      upstream.config().setAutoRead(!paused);
    }
  }

  private void backpressure(boolean paused) {
    if (paused) {
      if (channel.config().isAutoRead()) {
        channel.config().setAutoRead(false);
        pool.untrack(this);
      }
      return;
    }
    if (!channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
      if (exchange != null && !ended) {
        deadline = System.nanoTime() + pool.responseTimeoutNanos();
        pool.track(this);
      }
    }
  }

  private void complete(boolean reusable) {
    Exchange ex = exchange;
    UpstreamListener l = listener;
    long now = System.nanoTime();
    int status = framer.status();
    boolean closeClient = framer.closesClient();
    detach();
    pool.release(channel, reusable);
    ex.endRaw(closeClient, now);
    l.completed(status, now - sentAt);
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
    pool.untrack(this);
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
