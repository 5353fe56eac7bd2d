package io.strategybench.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import io.strategybench.delivery.webhook.WebhookSubscription;
import io.strategybench.delivery.webhook.WebhookSubscriptions;
import io.strategybench.server.Exchange;
import io.strategybench.server.Stage;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The delivery endpoints, whichever channel the run measures (so any client can use any of them):
 * {@code POST /publish} (an event into the system, on any instance: 201 and the event), {@code GET /events}
 * (Server-Sent Events; {@code Last-Event-ID} or {@code ?lastEventId=} resumes), {@code GET /poll?after=ID&wait=S}
 * (short polling, or long polling held until an event or the wait ends), {@code GET /ws?after=ID} (WebSocket, each
 * event one text message) and, when the stage sends webhooks, {@code POST /subscriptions}. Events come from the
 * {@link EventBus} (the fan-out) and go to every subscriber this instance holds.
 *
 * <p>Bounded: at most {@code maxSubscribers} held connections (SSE, WebSocket and held polls; past it 503 with
 * {@code Retry-After}); a subscriber that does not read (its connection's outbound buffer past Netty's high-water
 * mark) is closed rather than buffered for, and resumes from its last id. Every buffer is released once: a frame
 * written goes to Netty, a frame read is released by the handler that reads it.
 */
public final class DeliveryStage implements Stage {
  /**
   * @param sseRetryMillis the stream's {@code retry:} field
   * @param heartbeatSeconds comment lines on an idle stream (0: none)
   * @param pingSeconds WebSocket pings (0: none); a connection that answered none since the last is closed
   * @param longPollMaxMillis the longest a poll is held whatever its {@code wait}
   * @param maxSubscribers held connections at most
   * @param replayMax events replayed to one resume or poll at most
   * @param last whether this stage answers every request (else paths it does not serve go on)
   */
  public record Config(long sseRetryMillis, long heartbeatSeconds, long pingSeconds, long longPollMaxMillis,
      int maxSubscribers, int replayMax, boolean last) {
    public Config {
      if (maxSubscribers < 1 || replayMax < 1) {
        throw new IllegalArgumentException("maxSubscribers and replayMax are at least 1");
      }
    }

    /** The configuration a channel's parameters give. */
    public static Config of(DeliveryChannel channel, int maxSubscribers, boolean last) {
      long retry = channel instanceof Sse sse ? sse.retryMillis() : 1000;
      long heartbeat = channel instanceof Sse sse ? sse.heartbeatSeconds() : 15;
      long ping = channel instanceof WebSocketChannel ws ? ws.pingSeconds() : 15;
      long hold = channel instanceof LongPoll lp ? lp.timeoutMillis() : 30_000;
      return new Config(retry, heartbeat, ping, hold, maxSubscribers, 1000, last);
    }
  }

  private static final String ENDPOINTS = "POST /publish, GET /events, GET /poll?after=ID&wait=S, GET /ws,"
      + " POST /subscriptions";

  private final String strategy;
  private final EventBus bus;
  private final Config config;
  private final WebhookSubscriptions webhooks;
  private final AutoCloseable subscription;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger held = new AtomicInteger();
  private volatile Event newest;

  private final LongAdder published = new LongAdder();
  private final LongAdder publishFailed = new LongAdder();
  private final LongAdder heard = new LongAdder();
  private final LongAdder eventsSent = new LongAdder();
  private final LongAdder wireBytesOut = new LongAdder();
  private final LongAdder wireBytesIn = new LongAdder();
  private final LongAdder polls = new LongAdder();
  private final LongAdder emptyPolls = new LongAdder();
  private final LongAdder streams = new LongAdder();
  private final LongAdder upgrades = new LongAdder();
  private final LongAdder resumes = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder badRequests = new LongAdder();
  private final LongAdder refusedFull = new LongAdder();
  private final LongAdder slowClosed = new LongAdder();
  private final LongAdder pongTimeouts = new LongAdder();
  private final AtomicInteger peakHeld = new AtomicInteger();

  /**
   * @param strategy the channel the run measures (its name in the stats)
   * @param bus the fan-out events come from
   * @param webhooks the webhook subscriptions every event this instance publishes is sent to, or null for none
   */
  public DeliveryStage(String strategy, EventBus bus, Config config, WebhookSubscriptions webhooks) {
    this.strategy = strategy;
    this.bus = bus;
    this.config = config;
    this.webhooks = webhooks;
    this.subscription = bus.subscribe(this::dispatch);
  }

  @Override
  public String name() {
    return "delivery";
  }

  @Override
  public void handle(Exchange exchange) {
    FullHttpRequest request = exchange.request();
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.path();
    HttpMethod method = request.method();
    switch (path) {
      case "/publish" -> {
        if (allowed(exchange, method, HttpMethod.POST)) {
          publish(exchange);
        }
      }
      case "/events" -> {
        if (allowed(exchange, method, HttpMethod.GET)) {
          stream(exchange, uri);
        }
      }
      case "/poll" -> {
        if (allowed(exchange, method, HttpMethod.GET)) {
          poll(exchange, uri);
        }
      }
      case "/ws" -> {
        if (allowed(exchange, method, HttpMethod.GET)) {
          upgrade(exchange, uri);
        }
      }
      case "/subscriptions" -> {
        if (webhooks == null && config.last()) {
          exchange.respond(HttpResponseStatus.NOT_FOUND, "404 Not Found: this instance sends no webhooks\n");
        } else if (webhooks == null) {
          exchange.proceed();
        } else if (allowed(exchange, method, HttpMethod.POST)) {
          subscribe(exchange);
        }
      }
      default -> {
        if (config.last()) {
          exchange.respond(HttpResponseStatus.NOT_FOUND, "404 Not Found: " + path + " is not a delivery endpoint;"
              + " the endpoints are " + ENDPOINTS + "\n");
        } else {
          exchange.proceed();
        }
      }
    }
  }

  private boolean allowed(Exchange exchange, HttpMethod method, HttpMethod expected) {
    if (method.equals(expected)) {
      if (!method.equals(HttpMethod.POST)) {
        // what delivery costs: the subscribers' requests, not the publishers' (nor their answers)
        wireBytesIn.add(WireBytes.of(exchange.request()) + exchange.request().content().readableBytes());
      }
      return true;
    }
    FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "405 Method Not Allowed: "
        + exchange.request().uri() + " takes " + expected + ", got " + method + "\n");
    response.headers().set(HttpHeaderNames.ALLOW, expected.name());
    exchange.respond(response);
    return false;
  }

  // ---- publish ------------------------------------------------------------------------------------------------

  private void publish(Exchange exchange) {
    ByteBuf body = exchange.request().content();
    String data;
    try {
      data = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(body.nioBuffer()).toString();
    } catch (CharacterCodingException e) {
      bad(exchange, "the event's data (the request body) must be UTF-8 text");
      return;
    }
    EventLoop loop = exchange.eventLoop();
    bus.publish(data).whenComplete((event, failure) -> loop.execute(() -> {
      if (failure != null) {
        publishFailed.increment();
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        FullHttpResponse response = text(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: the "
            + bus.name() + " fan-out did not take the event: " + cause.getMessage() + "\n");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        exchange.respond(response);
        return;
      }
      published.increment();
      if (webhooks != null) {
        webhooks.publish(event);
      }
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
          Unpooled.copiedBuffer(event.toJson() + "\n", StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      exchange.respond(response);
    }));
  }

  // ---- webhook subscriptions -------------------------------------------------------------------------------------

  /** {@code POST /subscriptions} {@code {"url": "http://...", "secret": "whsec_...", "id": "optional"}}: 201. */
  private void subscribe(Exchange exchange) {
    Map<String, Object> body;
    try {
      body = io.strategybench.server.Json.MAPPER.readValue(exchange.request().content().toString(
          StandardCharsets.UTF_8), Map.class);
    } catch (Exception e) {
      bad(exchange, "a subscription is a JSON object {\"url\": \"http://127.0.0.1:9000/hook\", \"secret\":"
          + " \"whsec_...\"}: " + e.getMessage().lines().findFirst().orElse(""));
      return;
    }
    Object url = body == null ? null : body.get("url");
    Object secret = body == null ? null : body.get("secret");
    Object id = body == null ? null : body.get("id");
    if (!(url instanceof String) || ((String) url).isBlank()) {
      bad(exchange, "a subscription needs \"url\": the subscriber's http:// or https:// URL");
      return;
    }
    if (!(secret instanceof String) || ((String) secret).isBlank()) {
      bad(exchange, "a subscription needs \"secret\": whsec_ followed by base64 of 24 to 64 random bytes"
          + " (Standard Webhooks), to sign every delivery");
      return;
    }
    try {
      WebhookSubscription s = webhooks.subscribe(id instanceof String ? (String) id : null, (String) url,
          (String) secret);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
          Unpooled.copiedBuffer("{\"id\":\"" + s.id() + "\",\"url\":\"" + s.url() + "\"}\n",
              StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      exchange.respond(response);
    } catch (IllegalArgumentException e) {
      bad(exchange, e.getMessage());
    }
  }

  // ---- fan-in from the bus --------------------------------------------------------------------------------------

  private void dispatch(Event event) {
    heard.increment();
    newest = event;
    for (Subscriber s : subscribers) {
      s.offer(event);
    }
  }

  private boolean admit(Exchange exchange) {
    int now = held.incrementAndGet();
    if (now > config.maxSubscribers()) {
      held.decrementAndGet();
      refusedFull.increment();
      FullHttpResponse response = text(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: this"
          + " instance holds its most subscribers (" + config.maxSubscribers() + "); try another or later\n");
      response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      exchange.respond(response);
      return false;
    }
    peakHeld.accumulateAndGet(now, Math::max);
    return true;
  }

  /** The id a client resumes from, or null; a malformed one is answered 400 and returns {@link #BAD}. */
  private String resumeId(Exchange exchange, String id, String where) {
    if (id == null || id.isEmpty()) {
      return null;
    }
    String problem = bus.checkId(id);
    if (problem != null) {
      bad(exchange, where + ": " + problem);
      return BAD;
    }
    return id;
  }

  private static final String BAD = new String("bad");

  /**
   * Netty's 101 head: {@code HTTP/1.1 101 Switching Protocols}, {@code upgrade: websocket}, {@code connection:
   * upgrade}, {@code sec-websocket-accept:} and 28 characters of base64, the blank line.
   */
  static final long SWITCHING_PROTOCOLS_BYTES = ("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n"
      + "connection: upgrade\r\nsec-websocket-accept: " + "x".repeat(28) + "\r\n\r\n").length();

  // ---- SSE --------------------------------------------------------------------------------------------------

  private void stream(Exchange exchange, QueryStringDecoder uri) {
    String header = exchange.request().headers().get("Last-Event-ID");
    String id = header != null ? resumeId(exchange, header.trim(), "Last-Event-ID")
        : resumeId(exchange, first(uri, "lastEventId"), "lastEventId");
    if (id == BAD || !admit(exchange)) {
      return;
    }
    streams.increment();
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    head.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    head.headers().set("X-Accel-Buffering", "no");
    wireBytesOut.add(WireBytes.of(head));
    exchange.sendHead(head);
    SseSubscriber s = new SseSubscriber(exchange);
    s.write("retry: " + config.sseRetryMillis() + "\n\n", false);
    exchange.flush();
    start(s, id);
  }

  private final class SseSubscriber extends Subscriber {
    private final Exchange exchange;
    private ScheduledFuture<?> heartbeat;

    SseSubscriber(Exchange exchange) {
      super(exchange.eventLoop(), exchange.channel());
      this.exchange = exchange;
      exchange.whenDone(status -> gone());
      if (config.heartbeatSeconds() > 0) {
        heartbeat = loop.scheduleAtFixedRate(() -> {
          if (!exchange.isDone()) {
            write(": hb\n\n", true);
          }
        }, config.heartbeatSeconds(), config.heartbeatSeconds(), TimeUnit.SECONDS);
      }
    }

    void write(String text, boolean flush) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      wireBytesOut.add(WireBytes.chunk(bytes.length));
      exchange.sendContent(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
      if (flush) {
        exchange.flush();
      }
    }

    @Override
    boolean send(List<Event> events) {
      if (exchange.isDone()) {
        return false;
      }
      StringBuilder b = new StringBuilder();
      for (Event e : events) {
        b.append(Sse.frame(e));
      }
      write(b.toString(), true);
      return true;
    }

    @Override
    void close() {
      exchange.abort();
    }

    @Override
    void cancelTimers() {
      if (heartbeat != null) {
        heartbeat.cancel(false);
      }
    }
  }

  // ---- polling ------------------------------------------------------------------------------------------------

  private void poll(Exchange exchange, QueryStringDecoder uri) {
    polls.increment();
    String after = resumeId(exchange, first(uri, "after"), "after");
    if (after == BAD) {
      return;
    }
    String wait = first(uri, "wait");
    double seconds;
    try {
      seconds = wait == null || wait.isEmpty() ? 0 : Double.parseDouble(wait);
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      bad(exchange, "wait must be the seconds to hold the poll, 0 or more (e.g. wait=30), got '"
          + SeqIds.printable(wait) + "'");
      return;
    }
    long waitMillis = Math.min(config.longPollMaxMillis(), Math.round(seconds * 1000));
    if (after == null && waitMillis == 0) {
      Event last = newest;
      answer(exchange, List.of(), last == null ? null : last.id());
      return;
    }
    if (waitMillis > 0 && !admit(exchange)) {
      return;
    }
    start(new PollWaiter(exchange, after, waitMillis), after);
  }

  private void answer(Exchange exchange, List<Event> events, String last) {
    if (events.isEmpty()) {
      emptyPolls.increment();
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.copiedBuffer(PollAnswer.of(events, last), StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    wireBytesOut.add(WireBytes.of(response) + response.content().readableBytes());
    eventsSent.add(events.size());
    exchange.respond(response);
  }

  private final class PollWaiter extends Subscriber {
    private final Exchange exchange;
    private final String after;
    private final long waitMillis;
    private ScheduledFuture<?> timeout;

    PollWaiter(Exchange exchange, String after, long waitMillis) {
      super(exchange.eventLoop(), exchange.channel());
      this.exchange = exchange;
      this.after = after;
      this.waitMillis = waitMillis;
      counted = waitMillis > 0;
      exchange.whenDone(status -> gone());
    }

    @Override
    void live(List<Event> replay, long lastSeq) {
      if (!replay.isEmpty() || waitMillis == 0) {
        finish(replay);
        return;
      }
      super.live(replay, lastSeq);
      if (!exchange.isDone() && timeout == null) {
        timeout = loop.schedule(() -> finish(List.of()), waitMillis, TimeUnit.MILLISECONDS);
      }
    }

    private void finish(List<Event> events) {
      if (exchange.isDone()) {
        return;
      }
      String last = events.isEmpty() ? (after != null ? after : newestId()) : events.get(events.size() - 1).id();
      gone();
      answer(exchange, events, last);
    }

    @Override
    boolean send(List<Event> events) {
      finish(events);
      return false; // a poll is answered once
    }

    @Override
    void close() {
      exchange.abort();
    }

    @Override
    void cancelTimers() {
      if (timeout != null) {
        timeout.cancel(false);
      }
    }
  }

  private String newestId() {
    Event last = newest;
    return last == null ? null : last.id();
  }

  // ---- WebSocket --------------------------------------------------------------------------------------------

  private void upgrade(Exchange exchange, QueryStringDecoder uri) {
    String after = resumeId(exchange, first(uri, "after"), "after");
    if (after == BAD) {
      return;
    }
    FullHttpRequest request = exchange.request();
    if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        || !request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        || !request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
      bad(exchange, "GET /ws is a WebSocket endpoint: send Upgrade: websocket, Connection: Upgrade and a"
          + " Sec-WebSocket-Key (RFC 6455)");
      return;
    }
    if (!admit(exchange)) {
      return;
    }
    WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(
        "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + "/ws", null, false, 65_536);
    WebSocketServerHandshaker handshaker = factory.newHandshaker(request);
    if (handshaker == null) {
      held.decrementAndGet();
      FullHttpResponse response = text(HttpResponseStatus.UPGRADE_REQUIRED, "426 Upgrade Required: this server"
          + " speaks WebSocket version 13 (Sec-WebSocket-Version: 13)\n");
      response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
      exchange.respond(response);
      return;
    }
    upgrades.increment();
    exchange.takeOver((channel, req) -> {
      WsSubscriber s = new WsSubscriber(channel, handshaker);
      channel.closeFuture().addListener(f -> s.gone()); // first: every way out releases the slot and the pinger
      channel.pipeline().addLast("delivery-ws", s.handler);
      try {
        handshaker.handshake(channel, req).addListener(f -> {
          if (f.isSuccess()) {
            wireBytesOut.add(SWITCHING_PROTOCOLS_BYTES);
            start(s, after);
          } else {
            channel.close();
          }
        });
      } catch (RuntimeException e) {
        badRequests.increment();
        channel.close();
      }
    });
  }

  private final class WsSubscriber extends Subscriber {
    private final WebSocketServerHandshaker handshaker;
    private ScheduledFuture<?> pinger;
    private boolean ponged = true;
    final ChannelInboundHandlerAdapter handler = new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
          if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
          } else if (msg instanceof PongWebSocketFrame) {
            ponged = true;
          } else if (msg instanceof CloseWebSocketFrame close) {
            handshaker.close(ctx.channel(), close.retain());
          } else if (!(msg instanceof WebSocketFrame)) {
            ctx.close(); // bytes that are not frames after the upgrade
          }
          // text and binary frames from the client: ignored (resume is ?after= on the upgrade)
        } finally {
          ReferenceCountUtil.release(msg);
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    };

    WsSubscriber(Channel channel, WebSocketServerHandshaker handshaker) {
      super(channel.eventLoop(), channel);
      this.handshaker = handshaker;
      if (config.pingSeconds() > 0) {
        pinger = loop.scheduleAtFixedRate(() -> {
          if (!ponged) {
            pongTimeouts.increment();
            channel.close();
            return;
          }
          ponged = false;
          wireBytesOut.add(WireBytes.serverFrame(0));
          channel.writeAndFlush(new PingWebSocketFrame());
        }, config.pingSeconds(), config.pingSeconds(), TimeUnit.SECONDS);
      }
    }

    @Override
    boolean send(List<Event> events) {
      if (!channel.isActive()) {
        return false;
      }
      for (Event e : events) {
        byte[] bytes = e.toJson().getBytes(StandardCharsets.UTF_8);
        wireBytesOut.add(WireBytes.serverFrame(bytes.length));
        channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)), channel.voidPromise());
      }
      channel.flush();
      return true;
    }

    @Override
    void close() {
      channel.close();
    }

    @Override
    void cancelTimers() {
      if (pinger != null) {
        pinger.cancel(false);
      }
    }
  }

  // ---- subscribers ----------------------------------------------------------------------------------------------

  /**
   * A client this instance sends events to, on its connection's event loop. It starts by replaying what it missed
   * (when it resumes) while live events wait; then each live event newer than the last sent goes out as it comes.
   */
  private abstract class Subscriber {
    final EventLoop loop;
    final Channel channel;
    /** Whether it holds one of {@code maxSubscribers} places (released once, when it is gone). */
    boolean counted = true;
    private boolean replaying = true;
    private List<Event> waiting = new ArrayList<>();
    private long lastSeq;
    /** The id the subscriber resumed from, until it has been sent an event: nothing at or before it goes out. */
    private String floor;
    private boolean gone;

    Subscriber(EventLoop loop, Channel channel) {
      this.loop = loop;
      this.channel = channel;
    }

    /** From the bus's thread. */
    final void offer(Event event) {
      loop.execute(() -> receive(event));
    }

    private void receive(Event event) {
      if (gone) {
        return;
      }
      if (replaying) {
        waiting.add(event);
        return;
      }
      if (event.seq() <= lastSeq || (floor != null && EventIds.compare(event.id(), floor) <= 0)) {
        return; // sent already, or before where the subscriber resumed (heard late by this instance)
      }
      deliver(List.of(event));
    }

    private void deliver(List<Event> events) {
      if (!channel.isWritable()) {
        slowClosed.increment(); // not reading: closed, not buffered for; it resumes from its last id
        gone();
        close();
        return;
      }
      lastSeq = events.get(events.size() - 1).seq();
      floor = null;
      if (!(this instanceof PollWaiter)) {
        eventsSent.add(events.size()); // a poll's answer counts its own
      }
      if (!send(events)) {
        gone();
      }
    }

    /**
     * Replay done (on the loop): sends it, then what came meanwhile, and goes live. A replay cut at
     * {@code replayMax} is sent and the rest fetched after it, still replaying: nothing between it and the live
     * events is skipped.
     */
    void live(List<Event> replay, long unused) {
      if (gone) {
        return;
      }
      if (replay.size() >= config.replayMax() && !(this instanceof PollWaiter)) {
        replayed.add(replay.size());
        deliver(replay);
        if (!gone) {
          String last = replay.get(replay.size() - 1).id();
          floor = last;
          fetch(this, last);
        }
        return;
      }
      replaying = false;
      List<Event> batch = new ArrayList<>(replay);
      long seq = replay.isEmpty() ? 0 : replay.get(replay.size() - 1).seq();
      for (Event e : waiting) {
        if (e.seq() > seq && (floor == null || EventIds.compare(e.id(), floor) > 0)) {
          batch.add(e);
          seq = e.seq();
        }
      }
      waiting = null;
      replayed.add(replay.size());
      if (!batch.isEmpty()) {
        deliver(batch);
      }
    }

    final void gone() {
      if (gone) {
        return;
      }
      gone = true;
      subscribers.remove(this);
      if (counted) {
        counted = false;
        held.decrementAndGet();
      }
      cancelTimers();
    }

    /** Sends events; false when the subscriber is done with (a poll answered, a connection gone). */
    abstract boolean send(List<Event> events);

    abstract void close();

    abstract void cancelTimers();
  }

  /** Registers {@code s}, then fetches what it missed after {@code id} (none when null) and sends it. */
  private void start(Subscriber s, String id) {
    s.floor = id;
    subscribers.add(s);
    if (id == null) {
      s.loop.execute(() -> s.live(List.of(), 0));
      return;
    }
    resumes.increment();
    fetch(s, id);
  }

  /** Fetches what {@code s} missed after {@code id} and hands it over on its loop. */
  private void fetch(Subscriber s, String id) {
    bus.after(id, config.replayMax()).whenComplete((events, failure) -> s.loop.execute(() -> {
      if (failure != null) {
        s.gone();
        s.close();
        return;
      }
      s.live(events, 0);
    }));
  }

  // ---- plumbing -------------------------------------------------------------------------------------------------

  private static String first(QueryStringDecoder uri, String name) {
    List<String> values = uri.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private void bad(Exchange exchange, String why) {
    badRequests.increment();
    exchange.respond(text(HttpResponseStatus.BAD_REQUEST, "400 Bad Request: " + why + "\n"));
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    return response;
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("strategy", strategy);
    s.put("fanout", bus.name());
    s.put("published", published.sum());
    s.put("publishFailed", publishFailed.sum());
    s.put("heard", heard.sum());
    s.put("eventsSent", eventsSent.sum());
    s.put("wireBytesOut", wireBytesOut.sum());
    s.put("wireBytesIn", wireBytesIn.sum());
    s.put("polls", polls.sum());
    s.put("emptyPolls", emptyPolls.sum());
    s.put("streams", streams.sum());
    s.put("upgrades", upgrades.sum());
    s.put("resumes", resumes.sum());
    s.put("replayed", replayed.sum());
    s.put("held", held.get());
    s.put("peakHeld", peakHeld.get());
    s.put("badRequests", badRequests.sum());
    s.put("refusedFull", refusedFull.sum());
    s.put("slowClosed", slowClosed.sum());
    s.put("pongTimeouts", pongTimeouts.sum());
    s.put("bus", bus.stats());
    if (webhooks != null) {
      s.put("webhooks", webhooks.stats());
    }
    return s;
  }

  @Override
  public void reset() {
    for (LongAdder a : new LongAdder[] {published, publishFailed, heard, eventsSent, wireBytesOut, wireBytesIn, polls,
        emptyPolls, streams, upgrades, resumes, replayed, badRequests, refusedFull, slowClosed, pongTimeouts}) {
      a.reset();
    }
    peakHeld.set(held.get());
  }

  @Override
  public void close() {
    try {
      subscription.close();
    } catch (Exception e) {
      // closing a subscription does not fail in practice; nothing to keep
    }
    for (Subscriber s : subscribers) {
      s.loop.execute(() -> {
        s.gone();
        s.close();
      });
    }
    bus.close();
    if (webhooks != null) {
      webhooks.close();
    }
  }
}
