package io.strategybench.delivery.webhook;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.strategybench.delivery.Event;
import io.strategybench.server.Transport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A webhook receiver on Netty, on 127.0.0.1: what the tests and load runs POST to. It does what a careful receiver
 * does — verifies the Standard Webhooks signature ({@code 401} with the reason when it fails), deduplicates on
 * {@code webhook-id} (a duplicate gets {@code 200} and is counted, not delivered again) — and records, for each
 * delivered event, its sequence number and its latency ({@link Event#nowMicros()} minus the event's publish time)
 * into an HdrHistogram {@link Recorder}.
 *
 * <p>It can be told to misbehave, the way real endpoints do: answer {@code 500} to a seeded share of requests or
 * to the next n; answer {@code 429} with {@code Retry-After}; take a request and never answer it (the sender times
 * out, retries, and the retry is a duplicate: the lost acknowledgement); answer {@code 410 Gone}; or be
 * {@linkplain #away() away} (the listening socket and every connection closed) and {@linkplain #back() back} on the
 * same port. Checks run in that order: hold, gone, throttle, fail, then signature and deduplication.
 */
public final class WebhookReceiverServer implements AutoCloseable {
  /** The path the server's {@link #url()} names (any path is accepted). */
  public static final String PATH = "/webhook";

  private final WebhookSignature signature;
  private final EventLoopGroup group;
  private final ServerBootstrap bootstrap;
  private final ChannelGroup connections = new DefaultChannelGroup("webhook-receiver", GlobalEventExecutor.INSTANCE);
  private final Set<String> seenIds = ConcurrentHashMap.newKeySet();
  private final ConcurrentSkipListSet<Long> seqs = new ConcurrentSkipListSet<>();
  private final Recorder latencyMicros = new Recorder(3);
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong rejectedSignatures = new AtomicLong();
  private final AtomicLong misbehaved = new AtomicLong();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger holdNext = new AtomicInteger();
  private volatile double failShare;
  private volatile SplittableRandom failRandom = new SplittableRandom(0);
  private volatile int throttleSeconds;
  private volatile boolean gone;
  private Channel listener;
  private int port;

  private WebhookReceiverServer(String secret, long toleranceSeconds) {
    this.signature = new WebhookSignature(secret, toleranceSeconds);
    this.group = Transport.NIO.newGroup(1, "webhook-receiver");
    this.bootstrap = new ServerBootstrap().group(group).channel(Transport.NIO.serverChannel())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(NettyWebhookTransport.MAX_RESPONSE_BYTES),
                new Handler());
          }
        });
  }

  /**
   * Starts a receiver on 127.0.0.1.
   *
   * @param secret the subscription's secret ({@code whsec_...})
   * @param port the port, or 0 for any free one
   */
  public static WebhookReceiverServer start(String secret, int port) throws InterruptedException {
    return start(secret, WebhookSignature.DEFAULT_TOLERANCE_SECONDS, port);
  }

  /** Starts a receiver on 127.0.0.1 that accepts timestamps within {@code toleranceSeconds} of its clock. */
  public static WebhookReceiverServer start(String secret, long toleranceSeconds, int port)
      throws InterruptedException {
    WebhookReceiverServer server = new WebhookReceiverServer(secret, toleranceSeconds);
    try {
      server.bind(port);
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private synchronized void bind(int wanted) throws InterruptedException {
    listener = bootstrap.bind("127.0.0.1", wanted).sync().channel();
    port = ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** The port listened on (kept across {@link #away()} and {@link #back()}). */
  public synchronized int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT/webhook}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port() + PATH);
  }

  /** Answers {@code 500} to a share (0..1) of requests, drawn from a generator seeded with {@code seed}. */
  public void failShare(double share, long seed) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("the failing share is 0 to 1, got " + share);
    }
    failRandom = new SplittableRandom(seed);
    failShare = share;
  }

  /** Answers {@code 500} to the next {@code n} requests. */
  public void failNext(int n) {
    failNext.set(n);
  }

  /** Answers {@code 429} with {@code Retry-After: seconds} to every request; 0 stops it. */
  public void throttle(int retryAfterSeconds) {
    throttleSeconds = retryAfterSeconds;
  }

  /** Takes the next {@code n} requests (delivering them) and never answers them. */
  public void holdNext(int n) {
    holdNext.set(n);
  }

  /** Answers {@code 410 Gone} to every request while on. */
  public void gone(boolean on) {
    gone = on;
  }

  /** Stops accepting: closes the listening socket and every open connection. */
  public synchronized void away() throws InterruptedException {
    if (listener != null) {
      listener.close().sync();
      listener = null;
    }
    connections.close().sync();
  }

  /** Listens again, on the same port. */
  public synchronized void back() throws InterruptedException {
    if (listener == null) {
      bind(port);
    }
  }

  /** Counters: received, delivered, duplicates, rejectedSignatures, misbehaved (answered 500/429/410 or held). */
  public Map<String, Long> stats() {
    Map<String, Long> stats = new LinkedHashMap<>();
    stats.put("received", received.get());
    stats.put("delivered", delivered.get());
    stats.put("duplicates", duplicates.get());
    stats.put("rejectedSignatures", rejectedSignatures.get());
    stats.put("misbehaved", misbehaved.get());
    return stats;
  }

  /** The sequence numbers of the events delivered, ascending (gaps are what never arrived). */
  public List<Long> seqs() {
    return new ArrayList<>(seqs);
  }

  /** Publish-to-receipt latency of delivered events, microseconds. */
  public Recorder latencyMicros() {
    return latencyMicros;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (listener != null) {
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        listener = null;
      }
    }
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      received.incrementAndGet();
      if (!request.method().equals(HttpMethod.POST)) {
        answer(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "webhooks are POSTed", null);
        return;
      }
      if (holdNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        misbehaved.incrementAndGet();
        take(request); // the work is done, the acknowledgement is lost: the sender will retry
        return;
      }
      if (gone) {
        misbehaved.incrementAndGet();
        answer(ctx, request, HttpResponseStatus.GONE, "this endpoint is gone", null);
        return;
      }
      int throttle = throttleSeconds;
      if (throttle > 0) {
        misbehaved.incrementAndGet();
        answer(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS, "slow down", Integer.toString(throttle));
        return;
      }
      if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0 || failsByShare()) {
        misbehaved.incrementAndGet();
        answer(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "failing on purpose", null);
        return;
      }
      Taken taken = take(request);
      answer(ctx, request, taken.status, taken.text, null);
    }

    private boolean failsByShare() {
      double share = failShare;
      if (share == 0) {
        return false;
      }
      synchronized (WebhookReceiverServer.this) {
        return failRandom.nextDouble() < share;
      }
    }

    private Taken take(FullHttpRequest request) {
      byte[] body = ByteBufUtil.getBytes(request.content());
      try {
        signature.verify(request.headers()::get, body, System.currentTimeMillis() / 1000);
      } catch (WebhookVerificationException e) {
        rejectedSignatures.incrementAndGet();
        return new Taken(HttpResponseStatus.UNAUTHORIZED, e.getMessage());
      }
      Event event;
      try {
        event = WebhookPayload.decode(body);
      } catch (IllegalArgumentException e) {
        return new Taken(HttpResponseStatus.BAD_REQUEST, e.getMessage());
      }
      if (!seenIds.add(request.headers().get(WebhookSignature.ID_HEADER))) {
        duplicates.incrementAndGet();
        return new Taken(HttpResponseStatus.OK, "duplicate");
      }
      latencyMicros.recordValue(Math.max(0, Event.nowMicros() - event.publishedMicros()));
      seqs.add(event.seq());
      delivered.incrementAndGet();
      return new Taken(HttpResponseStatus.OK, "ok");
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String text,
        String retryAfter) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      if (retryAfter != null) {
        response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(response);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private record Taken(HttpResponseStatus status, String text) {}
}
