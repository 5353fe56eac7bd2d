package io.strategybench.ratelimit;

import io.strategybench.cli.NanosConverter;
import io.strategybench.ratelimit.KeySource;
import io.strategybench.ratelimit.RateLimitRule;
import io.strategybench.ratelimit.RateLimitStage;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** The rules a {@code ratelimit} target applies and what it does over the limit. */
final class RateLimitOptions {
  @Option(names = "--rule", paramLabel = "SPEC", showDefaultValue = Visibility.NEVER,
      description = "(ratelimit) A limit, as comma-separated fields: name=N, route=/PREFIX (default /),"
          + " plan=P (default any), key=header:NAME|address|jwt:CLAIM|global (default header:X-Api-Key), limit=N,"
          + " window=1s|500ms|1m. Repeatable: a request must pass every rule that applies to it. Default: one rule"
          + " keyed by X-Api-Key with the strategy's limit and window-millis parameters."
          + " Example: --rule name=user,route=/api/user,limit=100,window=1m")
  List<String> rules = new ArrayList<>();

  @Option(names = "--plan-source", paramLabel = "SOURCE", defaultValue = "header:X-Plan",
      description = "(ratelimit) Where a request's plan (the plan= of a rule) is read: header:NAME or"
          + " jwt:CLAIM.")
  String planSource;

  @Option(names = "--default-plan", paramLabel = "PLAN", defaultValue = "free",
      description = "(ratelimit) The plan of a request that names none.")
  String defaultPlan;

  @Option(names = "--throttle", paramLabel = "MODE", defaultValue = "reject",
      description = "(ratelimit) Over the limit: reject (429 with Retry-After and RateLimit-* headers),"
          + " delay (hold the request until it would be admitted, up to --max-wait) or queue (the same with a"
          + " short --max-wait, then 429).")
  String throttle;

  @Option(names = "--max-wait", paramLabel = "DURATION", defaultValue = "1s", converter = NanosConverter.class,
      description = "(ratelimit) Longest a request may be held by --throttle delay or queue.")
  long maxWaitNanos;

  @Option(names = "--max-waiting", paramLabel = "N", defaultValue = "10000",
      description = "(ratelimit) Most requests held at once; beyond it a request over the limit gets"
          + " 429 at once.")
  int maxWaiting;

  @Option(names = "--client-class-header", paramLabel = "NAME", defaultValue = "X-Client-Class",
      description = "(ratelimit) Header naming a client's class (well-behaved, abusive) in the"
          + " statistics only; it never changes a decision.")
  String classHeader;

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
    return new RateLimitStage.Config(parsed, plan, defaultPlan, RateLimitStage.Throttle.parse(throttle),
        maxWaitNanos, maxWaiting, classHeader);
  }
}
