package io.strategybench.strategy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a class as a strategy of a family and gives it its name.
 *
 * <p>The name is kebab-case and unique within the family ({@code round-robin}, {@code peak-ewma}).
 * The registry reads it from the class without instantiating anything, so listing strategies is cheap
 * and a plugin whose constructor throws still shows up in {@code bench list}.
 *
 * <p>A strategy class is registered in {@code META-INF/services/<family interface>} like any
 * {@link java.util.ServiceLoader} provider and needs a public no-argument constructor for that. It may
 * also declare a public constructor taking any of: its {@link StrategySettings} subtype, a
 * {@link StrategyContext}; the registry uses the one with the most of them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Strategy {
  /** Kebab-case name, unique within the family. */
  String name();

  /** One line saying what the strategy does, shown by {@code bench list}. */
  String summary();

  /**
   * What the strategy guarantees or needs, in words its family defines (the rate limiter's
   * {@code RateLimiter.WINDOW_EXACT}, {@code RateLimiter.REMOTE_STATE}, ...). The harness decides by them, never by
   * a strategy's name, which checks apply and what a run needs: a plugin's strategy that declares
   * {@code window-exact} gets the check that it never admits more than the limit in any window.
   */
  String[] characteristics() default {};
}
