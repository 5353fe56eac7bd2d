package io.strategybench.strategy;

import java.util.Collection;

/** A family or strategy name that is not registered; the message lists the valid names. */
public final class UnknownNameException extends StrategyException {
  private final Collection<String> validNames;

  public UnknownNameException(String what, String name, Collection<String> validNames) {
    super("unknown " + what + " '" + name + "'; valid " + what + " names: " + String.join(", ", validNames));
    this.validNames = validNames;
  }

  public Collection<String> validNames() {
    return validNames;
  }
}
