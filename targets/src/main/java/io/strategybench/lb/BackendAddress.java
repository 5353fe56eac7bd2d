package io.strategybench.lb;

import java.util.Locale;

/**
 * A real backend, any HTTP/1.1 server, written {@code HOST:PORT[,weight=W]}.
 *
 * @param host host name or address
 * @param port TCP port
 * @param weight relative capacity, 1..1000
 */
public record BackendAddress(String host, int port, int weight) {
  public BackendAddress {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("backend port must be 1..65535, got " + port);
    }
    if (weight < 1 || weight > 1000) {
      throw new IllegalArgumentException("backend weight must be 1..1000, got " + weight);
    }
  }

  /** @throws IllegalArgumentException naming the text and the expected form */
  public static BackendAddress parse(String text) {
    String form = "; write HOST:PORT or HOST:PORT,weight=W (e.g. 127.0.0.1:8081,weight=3)";
    String[] parts = text.trim().split(",");
    String hostPort = parts[0];
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("backend '" + text + "' has no HOST:PORT" + form);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("backend '" + text + "': port '" + hostPort.substring(colon + 1)
          + "' is not a number" + form);
    }
    int weight = 1;
    for (int i = 1; i < parts.length; i++) {
      String option = parts[i].trim().toLowerCase(Locale.ROOT);
      if (!option.startsWith("weight=")) {
        throw new IllegalArgumentException("backend '" + text + "': unknown option '" + parts[i] + "'" + form);
      }
      try {
        weight = Integer.parseInt(option.substring("weight=".length()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("backend '" + text + "': weight must be a whole number 1..1000");
      }
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new BackendAddress(host, port, weight);
  }

  public String name() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
