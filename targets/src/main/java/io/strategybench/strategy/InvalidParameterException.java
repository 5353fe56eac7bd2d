package io.strategybench.strategy;

/** A parameter value that is out of range or malformed; the message names the parameter and what is allowed. */
public final class InvalidParameterException extends StrategyException {
  private final String parameter;

  public InvalidParameterException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  /** The parameter's kebab-case name. */
  public String parameter() {
    return parameter;
  }
}
