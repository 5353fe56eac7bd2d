package io.strategybench.server;

/**
 * How the target server listens and treats connections.
 *
 * @param host address to bind
 * @param port port to bind; 0 picks a free one
 * @param ioThreads event-loop threads serving client and upstream connections
 * @param transport {@code auto}, {@code epoll} or {@code nio}
 * @param maxRequestBytes largest request body accepted; larger ones get 413
 * @param idleTimeoutSeconds an idle client connection is closed after this long
 * @param sessionHeader request header carrying a session id
 * @param sessionCookie cookie carrying a session id when the header is absent
 * @param addForwardedFor whether requests sent upstream get the client's address in X-Forwarded-For
 * @param allocatorName {@code pooled} (Netty's pooled arena allocator) or {@code adaptive} (Netty 4.2's default)
 * @param maxConnections client connections held open at once; more get 503 and are closed; 0: half of the file
 *     descriptors the process may open, less a reserve
 */
public record ServerConfig(String host, int port, int ioThreads, String transport, int maxRequestBytes,
    int idleTimeoutSeconds, String sessionHeader, String sessionCookie, boolean addForwardedFor,
    String allocatorName, int maxConnections, AdminAccess admin, long headerTimeoutNanos) {

  /** How long a request head may take by default: 20 s (nginx waits 60 s; Apache's reqtimeout 20 to 40 s). */
  public static final long DEFAULT_HEADER_TIMEOUT_NANOS = 20_000_000_000L;

  public ServerConfig {
    if (headerTimeoutNanos <= 0) {
      throw new IllegalArgumentException("header timeout must be positive, got " + headerTimeoutNanos + " ns");
    }
    if (admin == null) {
      admin = AdminAccess.onTrafficPort();
    }
    if (!admin.separate() && admin.token() == null && !AdminAccess.isLoopback(host)) {
      throw new IllegalArgumentException("listening on " + host + " with the admin plane on the traffic port and no"
          + " token would let anyone who reaches the port reset, kill or add backends: give the admin plane its own"
          + " loopback listener (an admin port), or a token");
    }
    if (admin.separate() && admin.token() == null && !AdminAccess.isLoopback(admin.host())) {
      throw new IllegalArgumentException("an admin listener on " + admin.host() + " (beyond loopback) needs a token");
    }
    if (maxConnections < 0) {
      throw new IllegalArgumentException("max connections must be positive, or 0 for half the file descriptor"
          + " limit; got " + maxConnections);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535 (0 picks a free one), got " + port);
    }
    if (ioThreads < 1 || ioThreads > 256) {
      throw new IllegalArgumentException("io-threads must be 1..256, got " + ioThreads);
    }
    if (maxRequestBytes < 0) {
      throw new IllegalArgumentException("max request size must not be negative");
    }
    if (idleTimeoutSeconds < 1) {
      throw new IllegalArgumentException("idle timeout must be at least 1 second");
    }
    if (!allocatorName.equals("pooled") && !allocatorName.equals("adaptive")) {
      throw new IllegalArgumentException("allocator must be pooled or adaptive, got '" + allocatorName + "'");
    }
  }

  /** The buffer allocator named by {@code allocatorName}. */
  public io.netty.buffer.ByteBufAllocator allocator() {
    return allocatorName.equals("pooled") ? io.netty.buffer.PooledByteBufAllocator.DEFAULT : Adaptive.INSTANCE;
  }

  /** One adaptive allocator, made when first asked for. */
  private static final class Adaptive {
    static final io.netty.buffer.ByteBufAllocator INSTANCE = new io.netty.buffer.AdaptiveByteBufAllocator();
  }

  /** Loopback, a free port, one I/O thread per core, 1 MiB requests, 60 s idle. */
  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", 0, Runtime.getRuntime().availableProcessors(), "auto", 1024 * 1024,
        60, "X-Session", "SESSIONID", false, "pooled", 0, AdminAccess.onTrafficPort(), DEFAULT_HEADER_TIMEOUT_NANOS);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, ioThreads, transport, maxRequestBytes, idleTimeoutSeconds,
        sessionHeader, sessionCookie, addForwardedFor, allocatorName, maxConnections, admin, headerTimeoutNanos);
  }

  public ServerConfig withMaxConnections(int max) {
    return new ServerConfig(host, port, ioThreads, transport, maxRequestBytes, idleTimeoutSeconds,
        sessionHeader, sessionCookie, addForwardedFor, allocatorName, max, admin, headerTimeoutNanos);
  }

  public ServerConfig withAdmin(AdminAccess access) {
    return new ServerConfig(host, port, ioThreads, transport, maxRequestBytes, idleTimeoutSeconds,
        sessionHeader, sessionCookie, addForwardedFor, allocatorName, maxConnections, access, headerTimeoutNanos);
  }

  public ServerConfig withHost(String newHost) {
    return new ServerConfig(newHost, port, ioThreads, transport, maxRequestBytes, idleTimeoutSeconds,
        sessionHeader, sessionCookie, addForwardedFor, allocatorName, maxConnections, admin, headerTimeoutNanos);
  }

  public ServerConfig withTimeouts(int idleSeconds, long headerNanos) {
    return new ServerConfig(host, port, ioThreads, transport, maxRequestBytes, idleSeconds,
        sessionHeader, sessionCookie, addForwardedFor, allocatorName, maxConnections, admin, headerNanos);
  }

  public ServerConfig withIoThreads(int threads) {
    return new ServerConfig(host, port, threads, transport, maxRequestBytes, idleTimeoutSeconds,
        sessionHeader, sessionCookie, addForwardedFor, allocatorName, maxConnections, admin, headerTimeoutNanos);
  }
}
