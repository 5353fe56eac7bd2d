package io.strategybench.ratelimit;

import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import io.strategybench.server.Exchange;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Whom the rate-limit stage believes about a client. By default nobody: the client's address is the
 * connection's peer, {@code X-Forwarded-For} is ignored and so is a plan header, since any client can write
 * them. A deployment behind proxies names them, in one of two ways:
 *
 * <ul>
 *   <li>trusted proxies by address (nginx {@code set_real_ip_from} with {@code real_ip_recursive on}): when
 *       the peer is one of them, {@code X-Forwarded-For} is walked from the right, skipping trusted
 *       addresses; the first untrusted one is the client (the leftmost when all are trusted). An entry that is
 *       not an IP address is untrusted, so it ends the walk.
 *   <li>a number of trusted hops (Envoy {@code xff_num_trusted_hops} with {@code use_remote_address}): the
 *       peer is the first hop, so with {@code n} hops the client is the {@code n}-th entry from the right of
 *       {@code X-Forwarded-For}; with fewer entries than that, the peer.
 * </ul>
 *
 * <p>A plan header is honoured only on a request that came through a trusted proxy (the peer is trusted, or
 * at least one hop is); from anyone else it is ignored and the request is on the default plan.
 *
 * @param proxies trusted proxy addresses and networks; empty for none
 * @param hops trusted hops in front of the server; 0 for none
 */
public record ClientTrust(List<Cidr> proxies, int hops) {
  /** Trusts no proxy: the peer is the client. */
  public static final ClientTrust NONE = new ClientTrust(List.of(), 0);

  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

  public ClientTrust {
    proxies = List.copyOf(proxies);
    if (hops < 0) {
      throw new IllegalArgumentException("trusted hops must be 0 or more, got " + hops);
    }
    if (hops > 0 && !proxies.isEmpty()) {
      throw new IllegalArgumentException("trust proxies either by address or by a number of hops, not both");
    }
  }

  /** Parses each of {@code cidrs} ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code ::1}, {@code fd00::/8}). */
  public static ClientTrust ofProxies(List<String> cidrs) {
    List<Cidr> parsed = new ArrayList<>();
    for (String c : cidrs) {
      parsed.add(Cidr.parse(c));
    }
    return new ClientTrust(parsed, 0);
  }

  /** Whether any proxy is trusted at all. */
  public boolean trustsAny() {
    return hops > 0 || !proxies.isEmpty();
  }

  /** The connection's peer address, as text ({@code 127.0.0.1}). */
  public static String peer(Exchange exchange) {
    SocketAddress remote = exchange.channel().remoteAddress();
    return remote instanceof InetSocketAddress inet ? inet.getHostString() : String.valueOf(remote);
  }

  /** Whether the request came from a trusted proxy: its peer is trusted, or a hop is. */
  public boolean fromTrustedProxy(Exchange exchange) {
    return hops > 0 || (!proxies.isEmpty() && trusted(peer(exchange)));
  }

  /** The client's address as this trust believes it. */
  public String clientAddress(Exchange exchange) {
    String peer = peer(exchange);
    if (!trustsAny()) {
      return peer;
    }
    List<String> forwarded = forwarded(exchange.request().headers().getAll(X_FORWARDED_FOR));
    if (hops > 0) {
      int index = forwarded.size() - hops;
      return index >= 0 ? forwarded.get(index) : peer;
    }
    if (!trusted(peer)) {
      return peer;
    }
    for (int i = forwarded.size() - 1; i >= 0; i--) {
      if (!trusted(forwarded.get(i))) {
        return forwarded.get(i);
      }
    }
    return forwarded.isEmpty() ? peer : forwarded.get(0);
  }

  /** The entries of every X-Forwarded-For header, in order, trimmed, without empty ones. */
  static List<String> forwarded(List<String> headers) {
    List<String> out = new ArrayList<>();
    for (String h : headers) {
      for (String part : h.split(",")) {
        String t = part.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  private boolean trusted(String address) {
    byte[] bytes = Cidr.bytes(address);
    if (bytes == null) {
      return false;
    }
    for (Cidr c : proxies) {
      if (c.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    if (hops > 0) {
      return hops + " trusted hop(s)";
    }
    return proxies.isEmpty() ? "none" : proxies.toString();
  }

  /** An address or network: {@code 10.0.0.0/8}, {@code 192.0.2.7} (a /32), {@code fd00::/8}. */
  public record Cidr(byte[] network, int prefix, String text) {
    /** Parses an IP literal with an optional prefix length; never looks a name up. */
    public static Cidr parse(String text) {
      String t = text.trim();
      int slash = t.indexOf('/');
      byte[] address = bytes(slash < 0 ? t : t.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("trusted proxy '" + text + "' is not an IP address or CIDR network"
            + " (like 10.0.0.0/8, 192.0.2.7 or fd00::/8)");
      }
      int bits = address.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("trusted proxy '" + text + "': the prefix length must be 0 to " + bits);
        }
      }
      byte[] network = address.clone();
      for (int i = 0; i < bits; i++) {
        if (i >= prefix) {
          network[i / 8] &= (byte) ~(0x80 >>> (i % 8));
        }
      }
      return new Cidr(network, prefix, t);
    }

    /** The bytes of an IP literal (an IPv4-mapped IPv6 address as IPv4), or null when it is not one. */
    static byte[] bytes(String literal) {
      String t = literal;
      if (t.startsWith("[") && t.endsWith("]")) {
        t = t.substring(1, t.length() - 1);
      }
      byte[] b = NetUtil.createByteArrayFromIpAddressString(t);
      if (b != null && b.length == 16 && isV4Mapped(b)) {
        return java.util.Arrays.copyOfRange(b, 12, 16);
      }
      return b;
    }

    private static boolean isV4Mapped(byte[] b) {
      for (int i = 0; i < 10; i++) {
        if (b[i] != 0) {
          return false;
        }
      }
      return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
