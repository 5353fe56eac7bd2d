package io.strategybench.cli;

/** A failure whose message says all a user needs: printed without a stack trace, exit status 1. */
public final class UserFacingException extends RuntimeException {
  public UserFacingException(String message) {
    super(message);
  }

  public UserFacingException(String message, Throwable cause) {
    super(message, cause);
  }
}
