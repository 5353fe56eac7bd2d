package io.strategybench.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Who may use the admin plane ({@code /_/}) and where it listens. By default it shares the traffic listener,
 * which is then loopback only; a target listening beyond loopback serves the admin plane on its own listener
 * ({@code port} 0 or more, on {@code host}), and no path form on the traffic port reaches it. Whenever the admin
 * listener is reachable beyond loopback a bearer token is required ({@code Authorization: Bearer TOKEN}); a token
 * may be required on loopback too. A request carrying an {@code Origin} header (a browser page, which could
 * otherwise post to loopback) is refused unless it brings the token. Backends added at run time must be on
 * loopback unless {@code allowRemoteBackends} (else the admin plane would make the target a proxy to anywhere).
 *
 * @param host address of the admin listener when it is separate
 * @param port {@link #ON_TRAFFIC_PORT}, or its own port (0 picks a free one)
 * @param token the bearer token required, or null for none
 * @param allowRemoteBackends whether {@code POST /_/backends?address=} may name an address beyond loopback
 */
public record AdminAccess(String host, int port, String token, boolean allowRemoteBackends) {
  /** The admin plane shares the traffic listener. */
  public static final int ON_TRAFFIC_PORT = -1;

  public AdminAccess {
    if (port < ON_TRAFFIC_PORT || port > 65535) {
      throw new IllegalArgumentException("admin port must be 0..65535 (0 picks a free one), got " + port);
    }
    if (token != null && token.length() < 16) {
      throw new IllegalArgumentException("an admin token must have at least 16 characters, got " + token.length());
    }
  }

  /** On the traffic listener, no token: for a target on loopback. */
  public static AdminAccess onTrafficPort() {
    return new AdminAccess("127.0.0.1", ON_TRAFFIC_PORT, null, false);
  }

  public boolean separate() {
    return port != ON_TRAFFIC_PORT;
  }

  /** 32 random bytes, in hex. */
  public static String newToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Whether {@code host} names only loopback addresses. */
  public static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Whether a {@code Host} header names loopback ({@code localhost}, {@code 127.x.y.z} or {@code [::1]}, any
   * port): a page of another site that a rebound DNS name points at loopback sends its own name instead.
   */
  static boolean loopbackHost(String hostHeader) {
    if (hostHeader == null) {
      return true; // HTTP/1.0
    }
    String h = hostHeader.trim().toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("[")) {
      return h.startsWith("[::1]");
    }
    int colon = h.indexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  /** Whether an {@code Authorization} header value carries the token (compared in constant time). */
  boolean authorizes(String authorization) {
    if (token == null) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }
}
