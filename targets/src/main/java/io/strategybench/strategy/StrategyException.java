package io.strategybench.strategy;

/** A problem with choosing, loading or configuring a strategy that the user can fix. */
public class StrategyException extends RuntimeException {
  public StrategyException(String message) {
    super(message);
  }

  public StrategyException(String message, Throwable cause) {
    super(message, cause);
  }
}
