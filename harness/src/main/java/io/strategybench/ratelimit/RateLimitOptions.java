package io.strategybench.ratelimit;

import io.strategybench.ratelimit.KeySource;
import io.strategybench.ratelimit.RateLimitRule;
import io.strategybench.ratelimit.RateLimitStage;
import java.util.ArrayList;
import java.util.List;

/** The rules a {@code ratelimit} target applies and what it does over the limit. */
record RateLimitOptions(List<String> rules, String planSource, String defaultPlan, String throttle,
    long maxWaitNanos, int maxWaiting, String classHeader, List<String> trustedProxies, int trustedHops,
    String jwtSecret, java.nio.file.Path jwtKeyFile, long maxKeys, long keyIdleNanos) {

  /** The --key-idle-expiry in milliseconds, checked. */
  long keyIdleMillis() {
    long millis = keyIdleNanos / 1_000_000L;
    if (millis < 1) {
      throw new IllegalArgumentException("--key-idle-expiry must be at least 1ms");
    }
    return millis;
  }

  ClientTrust trust() {
    if (trustedHops < 0) {
      throw new IllegalArgumentException("--trusted-hops must be 0 or more, got " + trustedHops);
    }
    if (trustedHops > 0 && !trustedProxies.isEmpty()) {
      throw new IllegalArgumentException("give --trusted-proxy or --trusted-hops, not both");
    }
    return trustedHops > 0 ? new ClientTrust(List.of(), trustedHops) : ClientTrust.ofProxies(trustedProxies);
  }

  JwtVerifier jwt() {
    if (jwtSecret != null && jwtKeyFile != null) {
      throw new IllegalArgumentException("give --jwt-secret or --jwt-key-file, not both");
    }
    if (jwtSecret != null) {
      if (jwtSecret.isEmpty()) {
        throw new IllegalArgumentException("--jwt-secret is empty");
      }
      return new JwtVerifier(jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (jwtKeyFile != null) {
      byte[] key;
      try {
        key = java.nio.file.Files.readAllBytes(jwtKeyFile);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("--jwt-key-file " + jwtKeyFile + " cannot be read: " + e.getMessage());
      }
      int n = key.length;
      if (n > 0 && key[n - 1] == '\n') {
        n--;
        if (n > 0 && key[n - 1] == '\r') {
          n--;
        }
      }
      if (n == 0) {
        throw new IllegalArgumentException("--jwt-key-file " + jwtKeyFile + " is empty");
      }
      return new JwtVerifier(java.util.Arrays.copyOf(key, n));
    }
    return null;
  }

  RateLimitStage.Config build(long defaultLimit, long defaultWindowMillis) {
    List<RateLimitRule> parsed = new ArrayList<>();
    List<String> specs = rules.isEmpty() ? List.of("name=default") : rules;
    for (int i = 0; i < specs.size(); i++) {
      parsed.add(RateLimitRule.parse(specs.get(i), i + 1, defaultLimit, defaultWindowMillis));
    }
    KeySource plan = KeySource.parse(planSource);
    if (!(plan instanceof KeySource.Header) && !(plan instanceof KeySource.JwtClaim)) {
      throw new IllegalArgumentException("--plan-source must be header:NAME or jwt:CLAIM, got '" + planSource + "'");
    }
    if (maxWaiting < 0) {
      throw new IllegalArgumentException("--max-waiting must be 0 or more, got " + maxWaiting);
    }
    keyIdleMillis();
    return new RateLimitStage.Config(parsed, plan, defaultPlan, RateLimitStage.Throttle.parse(throttle),
        maxWaitNanos, maxWaiting, classHeader, trust(), jwt());
  }
}
