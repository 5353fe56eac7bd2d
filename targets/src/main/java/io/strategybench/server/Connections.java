package io.strategybench.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client connections a target holds: a cap on how many are open at once, and what they hold in outbound
 * buffers. At the cap a new connection takes the place of an idle one (no request in progress: nginx drains
 * idle keep-alive connections the same way), so a crowd of idle or slowloris connections cannot lock out a new
 * client; when every connection is busy the new one gets a {@code 503} with {@code Connection: close} and is
 * closed at once, so file descriptors never run out for the upstream side. When accepting fails for want of file
 * descriptors anyway, accepting pauses for a second and the failure is logged at most once a second with a
 * count, instead of a busy loop of log lines.
 */
final class Connections {
  private static final Logger log = LoggerFactory.getLogger(Connections.class);
  /** File descriptors kept for upstream connections, probes, logs and the JVM when the cap is derived. */
  static final int RESERVED_DESCRIPTORS = 256;
  private static final byte[] FULL = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
      + "Connection: close\r\nContent-Length: 68\r\n\r\n"
      + "503 Service Unavailable: the target holds its most connections now\n").getBytes(StandardCharsets.US_ASCII);

  private final int cap;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<Channel, Idleness> channels = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong reaped = new AtomicLong();

  /** Since when a connection has had no request in progress (System.nanoTime()), or 0 while it has one. */
  interface Idleness {
    long idleSinceNanos();
  }
  private final AtomicLong acceptFailures = new AtomicLong();
  private volatile long lastAcceptLogNanos;

  Connections(int maxConnections) {
    int fits = derivedCap();
    if (maxConnections > fits && descriptorLimit() > 0) {
      // Out of descriptors, accepting fails and io_uring retries at once (Netty 4.2: a busy loop, whatever the
      // channel's auto-read says); so the cap must keep the process below its limit.
      throw new IllegalArgumentException("--max-client-connections " + maxConnections + " needs about "
          + (2L * maxConnections + RESERVED_DESCRIPTORS) + " file descriptors (each client may hold a backend"
          + " connection too, and " + RESERVED_DESCRIPTORS + " are kept for the rest), but this process may open "
          + descriptorLimit() + " (ulimit -n): raise the limit, or give at most " + fits + " (0 takes that)");
    }
    this.cap = maxConnections > 0 ? maxConnections : fits;
  }

  /** The file descriptors this process may open, or -1 when the platform does not say. */
  static long descriptorLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  /** Half of what is left of this process's file-descriptor limit after a reserve, at least 64. */
  static int derivedCap() {
    long limit = descriptorLimit();
    if (limit <= 0) {
      return 10_000;
    }
    return (int) Math.max(64, Math.min(100_000, (limit - RESERVED_DESCRIPTORS) / 2));
  }

  int cap() {
    return cap;
  }

  /**
   * Takes a new client connection, or answers it 503 and closes it when the cap is reached.
   *
   * @return whether the connection was taken
   */
  boolean admit(Channel channel) {
    if (open.incrementAndGet() > cap) {
      Channel idle = longestIdle();
      if (idle == null) {
        open.decrementAndGet();
        refused.incrementAndGet();
        channel.writeAndFlush(Unpooled.wrappedBuffer(FULL)).addListener(ChannelFutureListener.CLOSE);
        return false;
      }
      // Its close gives the place back (open is decremented then); meanwhile one more is open than the cap,
      // which the descriptors kept in reserve allow.
      channels.remove(idle);
      reaped.incrementAndGet();
      idle.close();
    }
    channel.closeFuture().addListener(f -> {
      channels.remove(channel);
      open.decrementAndGet();
    });
    return true;
  }

  /** Registers how to tell whether an admitted connection is idle. */
  void track(Channel channel, Idleness idleness) {
    if (channel.isOpen()) {
      channels.put(channel, idleness);
    }
  }

  /**
   * Closes every client connection and waits for each to finish closing, at most {@code timeoutMillis} in all: a
   * server that stops closes its connections while its event loops still run, so a read still in flight is
   * cancelled and its buffer released, not left behind by a loop that exited first.
   */
  void closeAll(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    List<io.netty.channel.ChannelFuture> closing = new ArrayList<>();
    for (Channel c : List.copyOf(channels.keySet())) {
      closing.add(c.close());
    }
    for (io.netty.channel.ChannelFuture f : closing) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !f.awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left) + 1)) {
        return;
      }
    }
  }

  /** The connection idle longest among the first 64 idle ones found, or null when none is idle. */
  private Channel longestIdle() {
    Channel best = null;
    long bestSince = 0;
    int seen = 0;
    for (Map.Entry<Channel, Idleness> e : channels.entrySet()) {
      long since = e.getValue().idleSinceNanos();
      if (since != 0 && (best == null || since - bestSince < 0)) {
        best = e.getKey();
        bestSince = since;
      }
      if (since != 0 && ++seen >= 64) {
        break;
      }
    }
    return best;
  }

  /** Bytes written to client connections and not yet taken by their sockets, over all of them. */
  long pendingOutboundBytes() {
    long total = 0;
    for (Channel channel : channels.keySet()) {
      ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
      if (buffer != null) {
        total += buffer.totalPendingWriteBytes();
      }
    }
    return total;
  }

  /** Open connections, the cap, refusals and accept failures, with the bytes waiting to go out. */
  Map<String, Object> snapshot() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("open", open.get());
    out.put("max", cap);
    out.put("refused", refused.get());
    out.put("idleClosedForNew", reaped.get());
    out.put("acceptFailures", acceptFailures.get());
    out.put("pendingOutboundBytes", pendingOutboundBytes());
    return out;
  }

  /** Counters from now on; open connections stay. */
  void reset() {
    refused.set(0);
    reaped.set(0);
    acceptFailures.set(0);
  }

  /** The server channel's handler: accept failures pause accepting for a second, logged once a second. */
  ChannelHandler acceptGuard() {
    return new AcceptGuard();
  }

  @ChannelHandler.Sharable
  private final class AcceptGuard extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!(cause instanceof IOException)) {
        ctx.fireExceptionCaught(cause);
        return;
      }
      long failures = acceptFailures.incrementAndGet();
      long now = System.nanoTime();
      if (now - lastAcceptLogNanos > TimeUnit.SECONDS.toNanos(1)) {
        lastAcceptLogNanos = now;
        log.warn("accepting connections failed ({} so far; {} open of at most {}): {}; pausing accepts for 1 s",
            failures, open.get(), cap, cause.getMessage());
      }
      Channel server = ctx.channel();
      if (server.config().isAutoRead()) {
        server.config().setAutoRead(false);
        server.eventLoop().schedule(() -> server.config().setAutoRead(true), 1, TimeUnit.SECONDS);
      }
    }
  }
}
