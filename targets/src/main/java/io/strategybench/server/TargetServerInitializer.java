package io.strategybench.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** The client connection pipeline, and nothing else: codec, bounded aggregation, idle timeout, behaviour. */
final class TargetServerInitializer extends ChannelInitializer<SocketChannel> {
  static final String ENCODER = "encoder";

  /** What a listener serves: traffic (and the admin plane when it shares the port), or the admin plane alone. */
  enum Listener { TRAFFIC, ADMIN }

  private final TargetServer server;
  private final Listener listener;

  TargetServerInitializer(TargetServer server, Listener listener) {
    this.server = server;
    this.listener = listener;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    Connections connections = listener == Listener.ADMIN ? server.adminConnections() : server.connections();
    if (!connections.admit(ch)) {
      return; // answered 503 and closed: the target holds its most connections, all busy
    }
    ServerConfig config = server.config();
    ChannelPipeline p = ch.pipeline();
    // Decoder and encoder apart (not HttpServerCodec): relayed response bytes are written from the
    // encoder's context, around it, and the codec's queue of request methods would then never drain.
    // nginx's limits for the request line and the header section (past them 414 and 431, RequestRules); no
    // bare CR in a head.
    p.addLast("decoder", new StrictRequestDecoder(config.headerTimeoutNanos()));
    p.addLast(ENCODER, new HttpResponseEncoder());
    TargetServerHandler handler = new TargetServerHandler(server, listener);
    connections.track(ch, handler);
    // Bounded: a body larger than this gets 413 instead of growing a buffer.
    p.addLast("assembler", new RequestAssembler(config.maxRequestBytes(), handler::isIdle));
    // Reader idle only: an all-idle or writer-idle timer would wrap every write promise with a listener.
    p.addLast("idle", new IdleStateHandler(config.idleTimeoutSeconds(), 0, 0, TimeUnit.SECONDS));
    p.addLast("handler", handler);
  }
}
