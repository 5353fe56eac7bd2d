package io.strategybench.ratelimit;

import io.strategybench.strategy.SettingDescriptor;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Builds each rule's limiter: the chosen strategy with its parameters, and the rule's limit and window. */
public final class RuleLimiters {
  private RuleLimiters() {}

  /** The value of a parameter as the user set it, else the strategy's default. */
  public static String param(StrategyDescriptor<RateLimiter> strategy, Map<String, String> params, String name) {
    if (params.containsKey(name)) {
      return params.get(name);
    }
    for (SettingDescriptor s : strategy.settings()) {
      if (s.name().equals(name)) {
        return s.defaultValue();
      }
    }
    throw new IllegalArgumentException("ratelimit strategy '" + strategy.name() + "' has no parameter '" + name + "'");
  }

  /** The factory the rate-limit stage calls once per rule. */
  public static Function<RateLimitRule, RateLimiter> factory(StrategyDescriptor<RateLimiter> strategy,
      Map<String, String> params, StrategyContext context) {
    return factory(strategy, params, context, 0, 0);
  }

  /**
   * The factory the rate-limit stage calls once per rule, with the bounds of each rule's per-key state
   * ({@code max-keys} and {@code key-idle-millis}) for the strategies that keep it in memory; a bound of 0
   * leaves the strategy's parameter (or its default) as it is. Remote strategies keep keys in their store,
   * where they expire, and take neither.
   */
  public static Function<RateLimitRule, RateLimiter> factory(StrategyDescriptor<RateLimiter> strategy,
      Map<String, String> params, StrategyContext context, long maxKeys, long keyIdleMillis) {
    boolean local = strategy.settings().stream().anyMatch(s -> s.name().equals("max-keys"));
    return rule -> {
      Map<String, String> withRule = new LinkedHashMap<>(params);
      withRule.put("limit", Long.toString(rule.limit()));
      withRule.put("window-millis", Long.toString(rule.windowMillis()));
      if (local && maxKeys > 0) {
        withRule.put("max-keys", Long.toString(maxKeys));
      }
      if (local && keyIdleMillis > 0) {
        withRule.put("key-idle-millis", Long.toString(keyIdleMillis));
      }
      return strategy.create(withRule, context);
    };
  }
}
