package io.strategybench.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** The client connection pipeline, and nothing else: codec, bounded aggregation, idle timeout, behaviour. */
final class TargetServerInitializer extends ChannelInitializer<SocketChannel> {
  private final TargetServer server;

  TargetServerInitializer(TargetServer server) {
    this.server = server;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ServerConfig config = server.config();
    ChannelPipeline p = ch.pipeline();
    p.addLast("codec", new HttpServerCodec());
    // Bounded: a body larger than this gets 413 instead of growing a buffer.
    p.addLast("aggregator", new HttpObjectAggregator(config.maxRequestBytes()));
    p.addLast("idle", new IdleStateHandler(0, 0, config.idleTimeoutSeconds(), TimeUnit.SECONDS));
    p.addLast("handler", new TargetServerHandler(server));
  }
}
