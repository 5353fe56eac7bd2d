package io.strategybench.strategy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public field of a {@link StrategySettings} class as a parameter a user can set.
 *
 * <p>The field's initial value is the default. On the command line the parameter is named in kebab-case
 * ({@code decayMillis} becomes {@code decay-millis}). Numeric parameters are checked against
 * {@link #min()} and {@link #max()} before the strategy is built.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Setting {
  /** What the parameter means, with its unit. */
  String description();

  /** Smallest allowed value (numeric parameters only). */
  double min() default Double.NEGATIVE_INFINITY;

  /** Largest allowed value (numeric parameters only). */
  double max() default Double.POSITIVE_INFINITY;
}
