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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * The socket transport. {@code auto} takes io_uring where the kernel allows it (submissions and completions
 * go through rings shared with the kernel, so a busy event loop makes far fewer system calls), else epoll,
 * else Java NIO. On the proxy benchmark io_uring gave about 8% more throughput than epoll and a tighter tail.
 */
public enum Transport {
  EPOLL, IO_URING, NIO;

  /** {@code auto} (io_uring, else epoll, else NIO), {@code epoll}, {@code io_uring} or {@code nio}. */
  public static Transport choose(String requested) {
    switch (requested.toLowerCase(Locale.ROOT)) {
      case "auto":
        if (IoUring.isAvailable()) {
          return IO_URING;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
      case "epoll":
        if (!Epoll.isAvailable()) {
          throw new IllegalArgumentException("transport epoll is not available here: "
              + Epoll.unavailabilityCause() + "; use --transport nio or auto");
        }
        return EPOLL;
      case "io_uring", "io-uring", "iouring":
        if (!IoUring.isAvailable()) {
          throw new IllegalArgumentException("transport io_uring is not available here: "
              + IoUring.unavailabilityCause() + "; use --transport epoll or auto");
        }
        return IO_URING;
      case "nio":
        return NIO;
      default:
        throw new IllegalArgumentException("unknown transport '" + requested + "'; use auto, epoll, io_uring or nio");
    }
  }

  public EventLoopGroup newGroup(int threads, String name) {
    IoHandlerFactory factory = switch (this) {
      case EPOLL -> EpollIoHandler.newFactory();
      case IO_URING -> IoUringIoHandler.newFactory();
      case NIO -> NioIoHandler.newFactory();
    };
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return switch (this) {
      case EPOLL -> EpollServerSocketChannel.class;
      case IO_URING -> IoUringServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  public Class<? extends SocketChannel> socketChannel() {
    return switch (this) {
      case EPOLL -> EpollSocketChannel.class;
      case IO_URING -> IoUringSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }
}
