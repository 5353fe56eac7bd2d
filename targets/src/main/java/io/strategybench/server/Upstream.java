package io.strategybench.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A remote HTTP/1.1 server that exchanges are forwarded to, with a keep-alive connection pool per event
 * loop: a request is sent on a connection owned by the client's own loop, so relaying never crosses
 * threads and no pool needs a lock (the layout of Netty's proxy example, pooled). Every request has a
 * connect timeout and a response timeout; the number of connections per loop is bounded.
 */
public final class Upstream implements AutoCloseable {
  /** Why a forwarded request got no complete response. */
  public enum Failure { TIMEOUT, RESET, BAD_RESPONSE, CONNECTION_LIMIT, CLIENT_GONE }

  /**
   * Limits of one upstream.
   *
   * @param connectTimeoutMillis how long a connect may take
   * @param responseTimeoutNanos how long from sending a request to the end of its response
   * @param maxConnectionsPerLoop most connections open at once per event loop
   * @param maxIdlePerLoop most idle connections kept per event loop
   */
  public record Limits(int connectTimeoutMillis, long responseTimeoutNanos, int maxConnectionsPerLoop,
      int maxIdlePerLoop) {
    public Limits {
      if (connectTimeoutMillis < 1 || responseTimeoutNanos < 1) {
        throw new IllegalArgumentException("connect and response timeouts must be positive");
      }
      if (maxConnectionsPerLoop < 1 || maxIdlePerLoop < 0) {
        throw new IllegalArgumentException("connection limits must be positive");
      }
    }

    /** 1 s to connect, 10 s to respond, 4096 connections and 1024 idle per loop. */
    public static Limits defaults() {
      return new Limits(1000, TimeUnit.SECONDS.toNanos(10), 4096, 1024);
    }
  }

  private final InetSocketAddress address;
  private final Transport transport;
  private final Limits limits;
  private final io.netty.buffer.ByteBufAllocator allocator;
  private final Map<EventLoop, Pool> pools = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public Upstream(InetSocketAddress address, Transport transport, Limits limits,
      io.netty.buffer.ByteBufAllocator allocator) {
    this.address = address;
    this.transport = transport;
    this.limits = limits;
    this.allocator = allocator;
  }

  public InetSocketAddress address() {
    return address;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Sends the exchange's request and relays the response into it. Must be called on the exchange's loop.
   * The listener hears exactly one outcome.
   */
  public void forward(Exchange exchange, UpstreamListener listener) {
    EventLoop loop = exchange.eventLoop();
    Pool pool = pools.get(loop);
    if (pool == null) {
      pool = pools.computeIfAbsent(loop, Pool::new);
    }
    pool.send(exchange, listener, true);
  }

  /**
   * Probes the upstream with {@code GET path} on a fresh connection.
   *
   * @return a future completed with true on a 2xx or 3xx answer within the timeout, else false
   */
  public Future<Boolean> probe(EventLoop loop, String path, long timeoutNanos) {
    Promise<Boolean> result = loop.newPromise();
    Bootstrap bootstrap = new Bootstrap()
        .group(loop)
        .channel(transport.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            // Judged on the status line, the body never buffered: a probe answer of any size is read no further.
            ch.pipeline().addLast(new HttpClientCodec(), new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object message) {
                    try {
                      if (message instanceof HttpResponse response) {
                        int code = response.status().code();
                        if (code >= 100 && code < 200) {
                          return; // an interim answer; the final one follows
                        }
                        result.trySuccess(code >= 200 && code < 400);
                        ctx.close();
                      }
                    } finally {
                      ReferenceCountUtil.release(message);
                    }
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    result.trySuccess(false);
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    result.trySuccess(false);
                    ctx.close();
                  }
                });
          }
        });
    ChannelFuture connect = bootstrap.connect(address);
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        result.trySuccess(false);
        return;
      }
      DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path,
          Unpooled.EMPTY_BUFFER);
      request.headers().set(HttpHeaderNames.HOST, address.getHostString() + ":" + address.getPort());
      request.headers().set(HttpHeaderNames.CONNECTION, "close");
      request.headers().set("x-strategybench-probe", "1");
      connect.channel().writeAndFlush(request);
    });
    ScheduledFuture<?> timer = loop.schedule(() -> {
      if (result.trySuccess(false)) {
        connect.channel().close();
      }
    }, timeoutNanos, TimeUnit.NANOSECONDS);
    result.addListener(f -> timer.cancel(false));
    return result;
  }

  /**
   * Closes every idle connection. Requests in flight finish, their response timeouts still enforced, and
   * their connections close when they are done; no new request is sent.
   */
  @Override
  public void close() {
    closed = true;
    for (Pool pool : pools.values()) {
      try {
        pool.loop.execute(pool::closeAll);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the event loop is shutting down, and its connections close with it
      }
    }
  }

  /** The connections of one event loop. Touched only on that loop. */
  final class Pool {
    final EventLoop loop;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final Bootstrap bootstrap;
    private int open;

    Pool(EventLoop loop) {
      this.loop = loop;
      this.bootstrap = new Bootstrap()
          .group(loop)
          .channel(transport.socketChannel())
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, limits.connectTimeoutMillis())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.ALLOCATOR, allocator)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              // Requests are encoded by Netty; responses are relayed as bytes, their framing parsed by the relay.
              ch.pipeline().addLast("encoder", new HttpRequestEncoder());
              ch.pipeline().addLast("relay", new UpstreamHandler(Pool.this));
            }
          });
      long timeout = limits.responseTimeoutNanos();
      this.sweepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(timeout / 8, TimeUnit.MILLISECONDS.toNanos(100)));
    }

    private final long sweepNanos;
    private UpstreamHandler busyFirst;
    private UpstreamHandler busyLast;
    private io.netty.util.concurrent.ScheduledFuture<?> sweeper;

    /**
     * Adds a connection with a request in flight to the busy list. Requests of one upstream share one
     * timeout, so the list is in deadline order and a sweep a few times per timeout finds the late ones at
     * its head: a response timeout costs no scheduled task per request.
     */
    void track(UpstreamHandler handler) {
      if (handler.busy) {
        untrack(handler);
      }
      handler.busy = true;
      handler.previousBusy = busyLast;
      handler.nextBusy = null;
      if (busyLast == null) {
        busyFirst = handler;
      } else {
        busyLast.nextBusy = handler;
      }
      busyLast = handler;
      if (sweeper == null) {
        sweeper = loop.scheduleAtFixedRate(this::sweep, sweepNanos, sweepNanos, TimeUnit.NANOSECONDS);
      }
    }

    void untrack(UpstreamHandler handler) {
      if (!handler.busy) {
        return;
      }
      handler.busy = false;
      if (handler.previousBusy == null) {
        busyFirst = handler.nextBusy;
      } else {
        handler.previousBusy.nextBusy = handler.nextBusy;
      }
      if (handler.nextBusy == null) {
        busyLast = handler.previousBusy;
      } else {
        handler.nextBusy.previousBusy = handler.previousBusy;
      }
      handler.previousBusy = null;
      handler.nextBusy = null;
      if (busyFirst == null && sweeper != null) {
        sweeper.cancel(false);
        sweeper = null;
      }
    }

    private void sweep() {
      long now = System.nanoTime();
      UpstreamHandler handler = busyFirst;
      while (handler != null && handler.deadline - now <= 0) {
        UpstreamHandler next = handler.nextBusy;
        handler.timedOut();
        handler = next;
      }
    }

    void send(Exchange exchange, UpstreamListener listener, boolean mayRetryStale) {
      Channel channel;
      while ((channel = idle.pollLast()) != null) {
        if (channel.isActive()) {
          relay(channel).start(exchange, listener, mayRetryStale);
          return;
        }
      }
      if (closed) {
        listener.connectFailed(new IllegalStateException("upstream " + address + " was removed"));
        return;
      }
      if (open >= limits.maxConnectionsPerLoop()) {
        listener.failed(Failure.CONNECTION_LIMIT, "all " + limits.maxConnectionsPerLoop()
            + " connections to " + address + " of this I/O thread are busy", 0);
        return;
      }
      open++;
      bootstrap.connect(address).addListener((ChannelFuture f) -> {
        if (f.isSuccess()) {
          f.channel().closeFuture().addListener(c -> closed(f.channel()));
          relay(f.channel()).start(exchange, listener, false);
        } else {
          open--;
          listener.connectFailed(f.cause());
        }
      });
    }

    /** Returns a connection whose response has been read completely. */
    void release(Channel channel, boolean reusable) {
      if (reusable && !closed && channel.isActive() && idle.size() < limits.maxIdlePerLoop()) {
        // Reading again, whatever backpressure left it at: an idle connection must notice its upstream closing.
        channel.config().setAutoRead(true);
        idle.addLast(channel);
      } else {
        channel.close();
      }
    }

    long responseTimeoutNanos() {
      return limits.responseTimeoutNanos();
    }

    String address() {
      return address.getHostString() + ":" + address.getPort();
    }

    private void closed(Channel channel) {
      open--;
      idle.remove(channel);
    }

    private UpstreamHandler relay(Channel channel) {
      return (UpstreamHandler) channel.pipeline().get("relay");
    }

    void closeAll() {
      // The sweeper stays while requests are in flight (it stops by itself when none is left).
      Channel channel;
      while ((channel = idle.poll()) != null) {
        channel.close();
      }
    }
  }
}
