package io.strategybench.backend;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend simulated in-process: a small Netty HTTP server that answers every request after a service time
 * drawn from its distribution, serving at most {@code capacity} requests at once and queueing up to
 * {@code queueLimit} more (beyond that it answers 503 at once, as an overloaded server sheds load). Its
 * scheduled {@link Fault faults} slow it down, make it answer 5xx, make it refuse connections, and bring it
 * back. Requests on one connection are answered in order, as HTTP/1.1 requires.
 */
public final class SimulatedBackend implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(SimulatedBackend.class);
  private static final int MAX_REQUEST_BYTES = 1024 * 1024;

  private final SimulatedBackendSpec spec;
  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> channelType;
  private final String host;
  private final ByteBuf body;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<ScheduledFuture<?>> timeline = new ArrayList<>();
  private final LongAdder received = new LongAdder();
  private final LongAdder served = new LongAdder();
  private final LongAdder shed = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /** Requests being served and waiting, across all connections. */
  private final ServiceQueue queue;

  private volatile double slowFactor = 1;
  private volatile int errorStatus;
  private volatile boolean refusing;
  private volatile Channel serverChannel;
  private volatile int port;

  public SimulatedBackend(SimulatedBackendSpec spec, EventLoopGroup group,
      Class<? extends ServerChannel> channelType, String host) {
    this.spec = spec;
    this.group = group;
    this.channelType = channelType;
    this.host = host;
    this.queue = new ServiceQueue(spec.capacity(), spec.queueLimit());
    byte[] bytes = new byte[spec.responseBytes()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) ('a' + i % 26);
    }
    // Direct, once: a heap body would be copied into a direct buffer on every write to a native socket, so each
    // response in flight (a client not reading, the proxy pausing this backend) held a copy of the whole body.
    // A JDK direct buffer, freed by the garbage collector once no write holds it (Netty does not track or free
    // a wrapped one, so a write still in flight when the backend stops never reads freed memory).
    this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
        java.nio.ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()).asReadOnly());
  }

  /** Binds an ephemeral port on {@code host} and starts the fault timeline. */
  public SimulatedBackend start() throws InterruptedException {
    bind(0);
    restartTimeline();
    return this;
  }

  public SimulatedBackendSpec spec() {
    return spec;
  }

  public String name() {
    return spec.name();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }

  /** Dead or alive, as seen from outside: whether it accepts connections. */
  public boolean isRefusing() {
    return refusing;
  }

  /** True while a fault makes it slow or answer errors, or refuse connections. */
  public boolean isFaulty() {
    return refusing || errorStatus != 0 || slowFactor != 1;
  }

  /** Stops accepting connections and drops the open ones: the backend is dead. */
  public void kill() {
    refusing = true;
    Channel server = serverChannel;
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    connections.close().awaitUninterruptibly();
  }

  /** Listens again on the same port and clears every fault. */
  public void revive() throws InterruptedException {
    slowFactor = 1;
    errorStatus = 0;
    if (refusing) {
      bind(port);
      refusing = false;
    }
  }

  /** Applies one fault now. */
  public void apply(Fault fault) {
    try {
      switch (fault.kind()) {
        case SLOW -> slowFactor = fault.value();
        case ERROR -> errorStatus = (int) fault.value();
        case REFUSE -> kill();
        case RECOVER -> revive();
      }
      log.info("backend {}: fault {} applied", spec.name(), fault);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Clears the faults and schedules them again, counting their offsets from now. */
  public void restartTimeline() throws InterruptedException {
    synchronized (timeline) {
      timeline.forEach(f -> f.cancel(false));
      timeline.clear();
      revive();
      for (Fault fault : spec.faults()) {
        timeline.add(group.next().schedule(() -> apply(fault), fault.offsetNanos(), TimeUnit.NANOSECONDS));
      }
    }
  }

  /** Requests received, served, shed with 503 because the queue was full, and answered with a fault status. */
  public long received() {
    return received.sum();
  }

  public long served() {
    return served.sum();
  }

  public long shed() {
    return shed.sum();
  }

  public long failed() {
    return failed.sum();
  }

  public void resetCounters() {
    received.reset();
    served.reset();
    shed.reset();
    failed.reset();
  }

  @Override
  public void close() {
    synchronized (timeline) {
      timeline.forEach(f -> f.cancel(false));
      timeline.clear();
    }
    Channel server = serverChannel;
    if (server != null) {
      server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private void bind(int wanted) throws InterruptedException {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                new Handler());
          }
        });
    Channel channel = bootstrap.bind(host, wanted).sync().channel();
    serverChannel = channel;
    port = ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Per connection: answers its requests one after another, in arrival order. */
  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ArrayDeque<Boolean> pending = new ArrayDeque<>();
    private boolean inService;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      received.increment();
      if (!request.decoderResult().isSuccess()) {
        respond(ctx, HttpResponseStatus.BAD_REQUEST, false, "malformed request\n");
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (inService) {
        pending.add(keepAlive);
      } else {
        admit(ctx, keepAlive);
      }
    }

    private void admit(ChannelHandlerContext ctx, boolean keepAlive) {
      int status = errorStatus;
      if (status != 0) {
        failed.increment();
        respond(ctx, HttpResponseStatus.valueOf(status), keepAlive, "fault: backend " + spec.name() + " fails\n");
        next(ctx);
        return;
      }
      inService = true;
      if (queue.admit(ctx.executor(), () -> serve(ctx, keepAlive))) {
        return;
      }
      inService = false;
      shed.increment();
      respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, keepAlive,
          "backend " + spec.name() + " is over capacity and its queue is full\n");
      next(ctx);
    }

    private void serve(ChannelHandlerContext ctx, boolean keepAlive) {
      long nanos = (long) (spec.serviceTime().sampleNanos(ThreadLocalRandom.current()) * slowFactor);
      ctx.executor().schedule(() -> finish(ctx, keepAlive), nanos, TimeUnit.NANOSECONDS);
    }

    private void finish(ChannelHandlerContext ctx, boolean keepAlive) {
      queue.done();
      inService = false;
      served.increment();
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          body.retainedDuplicate());
      send(ctx, response, keepAlive);
      next(ctx);
    }

    private void next(ChannelHandlerContext ctx) {
      Boolean keepAlive = pending.poll();
      if (keepAlive != null && ctx.channel().isActive()) {
        admit(ctx, keepAlive);
      }
    }

    private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive, String text) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
      send(ctx, response, keepAlive);
    }

    private void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      response.headers().set("x-backend", spec.name());
      if (!ctx.channel().isActive()) {
        response.release();
        return;
      }
      if (keepAlive) {
        ctx.writeAndFlush(response, ctx.voidPromise());
      } else {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("backend {}: connection error: {}", spec.name(), cause.toString());
      ctx.close();
    }
  }
}
