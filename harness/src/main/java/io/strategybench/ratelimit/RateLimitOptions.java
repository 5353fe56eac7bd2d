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
          + " keyed by X-Api-Key with the strategy's limit and window-millis parameters. What a client can choose:"
          + " a header key is whatever it sends; address is the connection's peer unless --trusted-proxy or"
          + " --trusted-hops names proxies; a jwt claim is UNVERIFIED (a client can pick its own key) unless"
          + " --jwt-secret or --jwt-key-file is set."
          + " Example: --rule name=user,route=/api/user,limit=100,window=1m")
  List<String> rules = new ArrayList<>();

  @Option(names = "--plan-source", paramLabel = "SOURCE", defaultValue = "header:X-Plan",
      description = "(ratelimit) Where a request's plan (the plan= of a rule) is read: header:NAME or"
          + " jwt:CLAIM. A plan header counts only on a request from a trusted proxy (--trusted-proxy,"
          + " --trusted-hops), a plan claim only from a token verified with --jwt-secret or --jwt-key-file;"
          + " otherwise the request is on --default-plan, since any client could name any plan.")
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

  @Option(names = "--trusted-proxy", paramLabel = "CIDR", showDefaultValue = Visibility.NEVER,
      description = "(ratelimit) A proxy whose X-Forwarded-For is believed: an address or network (10.0.0.0/8,"
          + " 192.0.2.7, fd00::/8). Repeatable. When the peer is one, X-Forwarded-For is walked from the right,"
          + " skipping trusted addresses, and the first untrusted one is the client (nginx set_real_ip_from with"
          + " real_ip_recursive on). Default: none, the client is the connection's peer and X-Forwarded-For and"
          + " plan headers are ignored.")
  List<String> trustedProxies = new ArrayList<>();

  @Option(names = "--trusted-hops", paramLabel = "N", defaultValue = "0",
      description = "(ratelimit) Instead of --trusted-proxy: the number of proxies in front of this server that"
          + " are trusted whatever their address (Envoy xff_num_trusted_hops); the client is the N-th"
          + " X-Forwarded-For entry from the right, or the peer when there are fewer. 0: none.")
  int trustedHops;

  @Option(names = "--jwt-secret", paramLabel = "TEXT", showDefaultValue = Visibility.NEVER,
      description = "(ratelimit) Shared secret (UTF-8) that bearer tokens must be signed with (HS256, HS384 or"
          + " HS512) before a jwt: claim keys a limit or names a plan; a token with alg none, a bad or missing"
          + " signature, or past its exp gets 401, a request without one is limited by its address. Visible to"
          + " other users in the process list: prefer --jwt-key-file. Default: none, claims are unverified.")
  String jwtSecret;

  @Option(names = "--jwt-key-file", paramLabel = "PATH", showDefaultValue = Visibility.NEVER,
      description = "(ratelimit) Like --jwt-secret, the secret read from a file (its bytes, less one trailing"
          + " newline).")
  java.nio.file.Path jwtKeyFile;

  @Option(names = "--max-keys", paramLabel = "N", defaultValue = "100000",
      description = "(ratelimit) Most client keys whose state each rule keeps (in-memory strategies); a new key"
          + " beyond it evicts the least recently used (counted as evictedKeys in the stats), which then start"
          + " over with a full allowance. About 150 bytes a key for an address key with the token bucket.")
  long maxKeys;

  @Option(names = "--key-idle-expiry", paramLabel = "DURATION", defaultValue = "10m",
      converter = NanosConverter.class,
      description = "(ratelimit) A key unused this long is dropped (expiredKeys in the stats); never sooner than"
          + " twice the rule's window, after which a rate strategy's state is a new key's, so expiry changes no"
          + " decision (it resets an adaptive limit).")
  long keyIdleNanos;

  /** The --max-keys bound, checked. */
  long maxKeys() {
    if (maxKeys < 1 || maxKeys > 100_000_000) {
      throw new IllegalArgumentException("--max-keys must be 1 to 100000000, got " + maxKeys);
    }
    return maxKeys;
  }

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
    maxKeys();
    keyIdleMillis();
    return new RateLimitStage.Config(parsed, plan, defaultPlan, RateLimitStage.Throttle.parse(throttle),
        maxWaitNanos, maxWaiting, classHeader, trust(), jwt());
  }
}
