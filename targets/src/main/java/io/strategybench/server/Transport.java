package io.strategybench.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/** The socket transport: Linux epoll when its native library loads, else Java NIO. */
public enum Transport {
  EPOLL, NIO;

  /** epoll where available, unless {@code requested} says otherwise ({@code auto}, {@code epoll}, {@code nio}). */
  public static Transport choose(String requested) {
    switch (requested.toLowerCase(Locale.ROOT)) {
      case "auto":
        return Epoll.isAvailable() ? EPOLL : NIO;
      case "epoll":
        if (!Epoll.isAvailable()) {
          throw new IllegalArgumentException("transport epoll is not available here: "
              + Epoll.unavailabilityCause() + "; use --transport nio or auto");
        }
        return EPOLL;
      case "nio":
        return NIO;
      default:
        throw new IllegalArgumentException("unknown transport '" + requested + "'; use auto, epoll or nio");
    }
  }

  public EventLoopGroup newGroup(int threads, String name) {
    IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends SocketChannel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
