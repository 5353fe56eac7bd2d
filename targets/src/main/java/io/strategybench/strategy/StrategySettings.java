package io.strategybench.strategy;

/**
 * Typed parameters of one strategy: a class with a public no-argument constructor whose public fields
 * annotated with {@link Setting} hold the defaults. Override {@link #validate()} for rules that involve
 * more than one field; per-field ranges are declared on the annotation.
 */
public interface StrategySettings {
  /**
   * Checks rules between fields after all values are bound.
   *
   * @throws InvalidParameterException naming the parameter and what would be valid
   */
  default void validate() {}
}
