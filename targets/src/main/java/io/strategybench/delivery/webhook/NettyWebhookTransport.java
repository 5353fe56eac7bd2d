package io.strategybench.delivery.webhook;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.strategybench.server.Transport;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link WebhookTransport}: HTTP/1.1 POSTs on Netty, keep-alive connections pooled per endpoint
 * ({@code host:port}) in a {@link FixedChannelPool} of at most {@code maxConnectionsPerEndpoint} connections, so a
 * receiver never sees more connections from this sender than that. Responses are aggregated up to 64 KiB (a webhook
 * answer is a status; a larger body is a failure, not a reason to buffer more).
 *
 * <p>Each attempt has one deadline, connecting included: when it passes, the attempt completes as
 * {@link WebhookResponse.Failure#TIMEOUT} and its connection is closed (a late answer must not be read as the next
 * request's). A refused connection, a reset, a connection closed before the answer: each completes the attempt with
 * its failure, never exceptionally. Speaks {@code http://} only; an {@code https://} URL is answered with
 * {@link WebhookResponse.Failure#NOT_SENT} (TLS is not wired in yet).
 */
public final class NettyWebhookTransport implements WebhookTransport {
  /** The largest response aggregated. */
  public static final int MAX_RESPONSE_BYTES = 64 * 1024;
  private static final int DETAIL_BYTES = 200;
  private static final AttributeKey<Attempt> ATTEMPT = AttributeKey.valueOf("strategybench.webhook.attempt");

  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final Bootstrap bootstrap;
  private final int maxConnectionsPerEndpoint;
  private final ConcurrentHashMap<String, FixedChannelPool> pools = new ConcurrentHashMap<>();
  private final ChannelGroup channels = new DefaultChannelGroup("webhook-sender", GlobalEventExecutor.INSTANCE);
  private volatile boolean closed;

  /** A transport on its own one-thread NIO event loop. */
  public NettyWebhookTransport(int maxConnectionsPerEndpoint, long connectTimeoutMillis) {
    this(Transport.NIO.newGroup(1, "webhook-sender"), true, maxConnectionsPerEndpoint, connectTimeoutMillis);
  }

  /** A transport on the caller's NIO event loops (the caller shuts them down). */
  public NettyWebhookTransport(EventLoopGroup group, int maxConnectionsPerEndpoint, long connectTimeoutMillis) {
    this(group, false, maxConnectionsPerEndpoint, connectTimeoutMillis);
  }

  private NettyWebhookTransport(EventLoopGroup group, boolean ownsGroup, int maxConnectionsPerEndpoint,
      long connectTimeoutMillis) {
    if (maxConnectionsPerEndpoint < 1) {
      throw new IllegalArgumentException("maxConnectionsPerEndpoint must be 1 or more, got "
          + maxConnectionsPerEndpoint);
    }
    if (connectTimeoutMillis < 1 || connectTimeoutMillis > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("connectTimeoutMillis must be 1 to " + Integer.MAX_VALUE + ", got "
          + connectTimeoutMillis);
    }
    this.group = group;
    this.ownsGroup = ownsGroup;
    this.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint;
    this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true);
  }

  /** The event loops requests run on (an {@link ExecutorTimer} may share one). */
  public EventLoopGroup group() {
    return group;
  }

  @Override
  public CompletionStage<WebhookResponse> post(URI url, Map<String, String> headers, byte[] body, long timeoutMillis) {
    CompletableFuture<WebhookResponse> result = new CompletableFuture<>();
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")) {
      result.complete(WebhookResponse.failed(WebhookResponse.Failure.NOT_SENT,
          "this transport speaks http:// only, got " + url));
      return result;
    }
    if (closed) {
      result.complete(WebhookResponse.failed(WebhookResponse.Failure.NOT_SENT, "the transport is closed"));
      return result;
    }
    String host = url.getHost();
    int port = url.getPort() == -1 ? 80 : url.getPort();
    FixedChannelPool pool = pools.computeIfAbsent(host + ":" + port, k -> newPool(host, port));
    Attempt attempt = new Attempt(pool, result);
    attempt.timeout = group.next().schedule(() -> attempt.finish(WebhookResponse.failed(
        WebhookResponse.Failure.TIMEOUT, "no answer within " + timeoutMillis + " ms"), true), timeoutMillis,
        TimeUnit.MILLISECONDS);
    FullHttpRequest request = request(url, host, port, headers, body);
    pool.acquire().addListener(f -> {
      if (!f.isSuccess()) {
        request.release();
        attempt.finish(failureOf(f.cause()), false);
        return;
      }
      Channel channel = (Channel) f.getNow();
      if (!attempt.attach(channel)) { // timed out while connecting: the connection is fine, give it back
        request.release();
        pool.release(channel);
        return;
      }
      channel.attr(ATTEMPT).set(attempt);
      channel.writeAndFlush(request).addListener(w -> {
        if (!w.isSuccess()) {
          attempt.finish(WebhookResponse.failed(WebhookResponse.Failure.CONNECTION_RESET,
              "could not write the request: " + w.cause()), true);
        }
      });
    });
    return result;
  }

  private static FullHttpRequest request(URI url, String host, int port, Map<String, String> headers, byte[] body) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
        Unpooled.wrappedBuffer(body));
    request.headers().set(HttpHeaderNames.HOST, url.getPort() == -1 ? host : host + ":" + port);
    request.headers().set(HttpHeaderNames.USER_AGENT, "strategybench-webhook");
    headers.forEach((name, value) -> request.headers().set(name, value));
    request.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return request;
  }

  private FixedChannelPool newPool(String host, int port) {
    return new FixedChannelPool(bootstrap.clone().remoteAddress(host, port), new AbstractChannelPoolHandler() {
      @Override
      public void channelCreated(Channel ch) {
        channels.add(ch);
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
            new ResponseHandler());
      }
    }, ChannelHealthChecker.ACTIVE, null, -1, maxConnectionsPerEndpoint, Integer.MAX_VALUE);
  }

  private static WebhookResponse failureOf(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return WebhookResponse.failed(WebhookResponse.Failure.TIMEOUT, "connect: " + cause.getMessage());
    }
    if (cause instanceof ConnectException) {
      return WebhookResponse.failed(WebhookResponse.Failure.CONNECTION_REFUSED, cause.getMessage());
    }
    if (cause instanceof IllegalStateException) { // the pool was closed under us
      return WebhookResponse.failed(WebhookResponse.Failure.NOT_SENT, String.valueOf(cause.getMessage()));
    }
    return WebhookResponse.failed(WebhookResponse.Failure.CONNECTION_RESET, String.valueOf(cause));
  }

  /** One request's life: finished exactly once (answer, failure or timeout), its connection released once. */
  private static final class Attempt {
    private final FixedChannelPool pool;
    private final CompletableFuture<WebhookResponse> result;
    private ScheduledFuture<?> timeout;
    private Channel channel;
    private boolean done;

    Attempt(FixedChannelPool pool, CompletableFuture<WebhookResponse> result) {
      this.pool = pool;
      this.result = result;
    }

    synchronized boolean attach(Channel ch) {
      if (done) {
        return false;
      }
      channel = ch;
      return true;
    }

    void finish(WebhookResponse response, boolean closeConnection) {
      Channel ch;
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        ch = channel;
        channel = null;
      }
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (ch != null) {
        ch.attr(ATTEMPT).compareAndSet(this, null);
        if (closeConnection) {
          ch.close();
        }
        pool.release(ch);
      }
      result.complete(response);
    }
  }

  /** Completes the channel's attempt with its answer, or with the connection's failure. */
  private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      Attempt attempt = ctx.channel().attr(ATTEMPT).getAndSet(null);
      if (attempt == null) {
        ctx.close(); // an answer nobody asked for: the connection cannot be trusted
        return;
      }
      int readable = response.content().readableBytes();
      String detail = response.content().toString(response.content().readerIndex(),
          Math.min(readable, DETAIL_BYTES), StandardCharsets.UTF_8);
      attempt.finish(new WebhookResponse(response.status().code(),
          response.headers().get(HttpHeaderNames.RETRY_AFTER), WebhookResponse.Failure.NONE, detail),
          !HttpUtil.isKeepAlive(response));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      Attempt attempt = ctx.channel().attr(ATTEMPT).getAndSet(null);
      if (attempt != null) {
        attempt.finish(WebhookResponse.failed(WebhookResponse.Failure.CONNECTION_RESET,
            "the connection closed before the answer"), false);
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Attempt attempt = ctx.channel().attr(ATTEMPT).getAndSet(null);
      if (attempt != null) {
        attempt.finish(WebhookResponse.failed(WebhookResponse.Failure.CONNECTION_RESET, String.valueOf(cause)), true);
      } else {
        ctx.close();
      }
    }
  }

  /** Closes every connection and pool, then the event loop if this transport made it. */
  @Override
  public void close() {
    closed = true;
    pools.values().forEach(FixedChannelPool::close);
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }
}
