package io.strategybench.server;

/** The server could not start: the port is taken, the address cannot be bound. */
public final class ServerStartException extends RuntimeException {
  public ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
