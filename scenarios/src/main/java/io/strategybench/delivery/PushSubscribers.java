package io.strategybench.delivery;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The subscribers of the push channels ({@code sse}, {@code websocket}) on a small Netty client of their own:
 * Gatling's SSE and WebSocket support hands unmatched messages over with a millisecond arrival time (event latency
 * on one machine is well under a millisecond) from a bounded buffer that silently drops the oldest when it fills,
 * and a virtual user cannot tell that its stream dropped; this client stamps each chunk as it arrives
 * ({@link DeliveryRecorder#nowMicros()}), sees every event, and reconnects itself.
 *
 * <p>Subscriber {@code i} is pinned to one instance and, when its connection goes away or is refused, waits
 * {@code reconnectMillis} and connects to the same instance again, resuming after the last id it received
 * ({@code Last-Event-ID}, {@code /ws?after=}). Lines and messages are bounded ({@code maxMessageBytes}); the
 * handlers release every buffer.
 */
public final class PushSubscribers implements AutoCloseable {
  /** The channels this client speaks. */
  public enum Kind {
    /** {@code GET /events}, Server-Sent Events. */
    SSE,
    /** {@code GET /ws}, WebSocket. */
    WEBSOCKET
  }

  private final Kind kind;
  private final DeliveryRecorder recorder;
  private final long reconnectMillis;
  private final int maxMessageBytes;
  private final EventLoopGroup group;
  private final Subscriber[] subscribers;

  /**
   * The recorder's subscribers on channel {@code kind}, subscriber {@code i} pinned to {@code instances[i mod n]}
   * (base URLs, {@code http://host:port}), on {@code threads} event-loop threads; none connects before
   * {@link #start}.
   */
  public PushSubscribers(Kind kind, DeliveryRecorder recorder, List<String> instances, long reconnectMillis,
      int maxMessageBytes, int threads) {
    this.kind = kind;
    this.recorder = recorder;
    this.reconnectMillis = reconnectMillis;
    this.maxMessageBytes = maxMessageBytes;
    this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("delivery-subscriber", true),
        NioIoHandler.newFactory());
    this.subscribers = new Subscriber[recorder.subscribers()];
    for (int i = 0; i < subscribers.length; i++) {
      subscribers[i] = new Subscriber(i, URI.create(instances.get(i % instances.size())));
    }
  }

  /** Subscriber {@code i} connects (from now, the first time; after its last id afterwards). */
  public void start(int i) {
    subscribers[i].connect();
  }

  /** Subscriber {@code i} closes its connection and stays closed. */
  public void stop(int i) {
    subscribers[i].stop();
  }

  /** Stops every subscriber and the event loops. */
  @Override
  public void close() {
    for (Subscriber s : subscribers) {
      s.stop();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private final class Subscriber {
    private final int index;
    private final URI base;
    private final String host;
    private final int port;
    private volatile String lastId = "";
    private volatile boolean stopped;
    private volatile Channel channel;

    Subscriber(int index, URI base) {
      this.index = index;
      this.base = base;
      this.host = base.getHost();
      this.port = base.getPort() > 0 ? base.getPort() : 80;
    }

    void connect() {
      if (stopped) {
        return;
      }
      recorder.request(index);
      Connection connection = new Connection(this);
      ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              pipeline(ch.pipeline(), connection);
            }
          })
          .connect(host, port);
      channel = f.channel();
      f.addListener(done -> {
        if (!done.isSuccess()) {
          connection.failed();
          retry();
        }
      });
      if (stopped) {
        f.channel().close();
      }
    }

    void retry() {
      if (!stopped) {
        group.schedule(this::connect, reconnectMillis, TimeUnit.MILLISECONDS);
      }
    }

    void stop() {
      stopped = true;
      Channel c = channel;
      if (c != null) {
        c.close();
      }
    }

    String query() {
      return lastId.isEmpty() ? "" : "?after=" + URLEncoder.encode(lastId, StandardCharsets.UTF_8);
    }
  }

  private void pipeline(ChannelPipeline p, Connection c) {
    p.addLast(new HttpClientCodec());
    if (kind == Kind.SSE) {
      p.addLast(new SseHandler(c));
    } else {
      HttpHeaders headers = new DefaultHttpHeaders().set("X-Bench-Phase", recorder.phase());
      URI uri = URI.create("ws://" + c.sub.host + ":" + c.sub.port + "/ws" + c.sub.query());
      p.addLast(new HttpObjectAggregator(65536));
      p.addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
          .webSocketUri(uri)
          .version(WebSocketVersion.V13)
          .customHeaders(headers)
          .maxFramePayloadLength(maxMessageBytes)
          .handshakeTimeoutMillis(10_000)
          .build()));
      p.addLast(new WebSocketFrameAggregator(maxMessageBytes));
      p.addLast(new WsHandler(c));
    }
  }

  /** One connection attempt of a subscriber: what became of it, reported once. */
  private final class Connection {
    final Subscriber sub;
    private final AtomicBoolean ended = new AtomicBoolean();
    private boolean established;

    Connection(Subscriber sub) {
      this.sub = sub;
    }

    void established() {
      established = true;
      recorder.connected(sub.index);
    }

    /** The attempt failed before the stream was open (refused, an error status, a failed handshake). */
    void failed() {
      if (!established && ended.compareAndSet(false, true)) {
        recorder.connectFailed(sub.index);
      }
    }

    /** The channel closed: a drop when it was open, a failure when it was not; then reconnect. */
    void closed() {
      if (ended.compareAndSet(false, true)) {
        if (established) {
          if (!sub.stopped) {
            recorder.dropped(sub.index);
          }
        } else {
          recorder.connectFailed(sub.index);
        }
      }
      sub.retry();
    }

    /** Records an event's JSON received at {@code receivedMicros}; null when it is not an event. */
    ReceivedEvent event(String json, long receivedMicros) {
      ReceivedEvent e;
      try {
        e = ReceivedEvent.parse(json);
      } catch (IllegalArgumentException ex) {
        badMessage(json, ex);
        return null;
      }
      recorder.received(sub.index, e, receivedMicros);
      return e;
    }
  }

  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private static void badMessage(String text, Exception e) {
    if (WARNED.compareAndSet(false, true)) {
      System.err.println("delivery: a message that is not an event (further ones not shown): " + e.getMessage());
    }
  }

  /** {@code GET /events}: the response's body parsed as an event stream, line by line. */
  private final class SseHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final Connection c;
    /** The line so far: grows by doubling up to the bound (a fixed buffer of the bound each was 1 GiB at 1000). */
    private byte[] line = new byte[256];
    private final int maxLine = maxMessageBytes + 64;
    private int length;
    private boolean overlong;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String pendingId;
    private boolean streaming;

    SseHandler(Connection c) {
      this.c = c;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/events");
      request.headers().set(HttpHeaderNames.HOST, c.sub.host + ":" + c.sub.port)
          .set(HttpHeaderNames.ACCEPT, "text/event-stream")
          .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
          .set("X-Bench-Phase", recorder.phase());
      if (!c.sub.lastId.isEmpty()) {
        request.headers().set("Last-Event-ID", c.sub.lastId);
      }
      ctx.writeAndFlush(request);
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      long now = DeliveryRecorder.nowMicros();
      if (msg instanceof HttpResponse) {
        HttpResponse response = (HttpResponse) msg;
        if (!response.status().equals(HttpResponseStatus.OK)) {
          c.failed();
          ctx.close();
          return;
        }
        streaming = true;
        c.established();
      }
      if (msg instanceof HttpContent && streaming) {
        ByteBuf content = ((HttpContent) msg).content();
        recorder.bytes(c.sub.index, content.readableBytes());
        int end = content.writerIndex();
        for (int i = content.readerIndex(); i < end; i++) {
          byte b = content.getByte(i);
          if (b == '\n') {
            line(now);
          } else if (length < maxLine) {
            if (length == line.length) {
              line = java.util.Arrays.copyOf(line, Math.min(maxLine, line.length * 2));
            }
            line[length++] = b;
          } else {
            overlong = true;
          }
        }
        if (msg instanceof LastHttpContent) {
          ctx.close(); // the server ended the stream
        }
      }
    }

    private void line(long now) {
      int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
      length = 0;
      if (overlong) {
        overlong = false;
        badMessage("", new IllegalStateException("a line longer than " + maxMessageBytes + " bytes"));
        return;
      }
      if (n == 0) {
        dispatch(now);
        return;
      }
      if (line[0] == ':') {
        return; // a comment: heartbeat
      }
      String text = new String(line, 0, n, StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      String field = colon < 0 ? text : text.substring(0, colon);
      String value = colon < 0 ? "" : text.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "data" -> {
          if (hasData) {
            data.append('\n');
          }
          data.append(value);
          hasData = true;
        }
        case "id" -> pendingId = value;
        default -> {
          // retry: the client's reconnect knob decides; event: none are sent
        }
      }
    }

    private void dispatch(long now) {
      if (pendingId != null) {
        c.sub.lastId = pendingId;
        pendingId = null;
      }
      if (hasData) {
        String json = data.toString();
        data.setLength(0);
        hasData = false;
        c.event(json, now);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      c.closed();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** {@code GET /ws}: each text message one event. */
  private final class WsHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final Connection c;

    WsHandler(Connection c) {
      this.c = c;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        c.established();
      } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        c.failed();
        ctx.close();
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      long now = DeliveryRecorder.nowMicros();
      if (frame instanceof TextWebSocketFrame) {
        recorder.bytes(c.sub.index, frame.content().readableBytes());
        ReceivedEvent e = c.event(((TextWebSocketFrame) frame).text(), now);
        if (e != null) {
          c.sub.lastId = e.id();
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      c.closed();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      c.failed(); // a failed handshake (an error status) or a broken connection before it opened
      ctx.close();
    }
  }
}
