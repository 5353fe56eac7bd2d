package io.strategybench.cli;

import io.strategybench.cache.CachePolicy;
import io.strategybench.cache.CacheStage;
import io.strategybench.cache.Origin;
import io.strategybench.hashing.ConsistentHash;
import io.strategybench.hashing.ShardedCacheStage;
import io.strategybench.lb.BackendAddress;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.lb.LoadBalancerStage;
import io.strategybench.ratelimit.RateLimitStage;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.ratelimit.RuleLimiters;
import io.strategybench.server.ServerConfig;
import io.strategybench.server.Stage;
import io.strategybench.server.TargetServer;
import io.strategybench.server.Upstream;
import io.strategybench.strategy.Family;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench serve}: the Netty target server running one strategy, until stopped. */
@Command(name = "serve", header = "Run the Netty target server with one strategy of a family.",
    description = {
        "",
        "--family lb (the default): a load balancer in front of real HTTP servers (--backend HOST:PORT[,weight=W],"
            + " repeatable) or N simulated in-process backends (--simulated N, shaped by the --sim-* options);"
            + " /_/backends adds, removes, kills and revives backends while traffic flows.",
        "",
        "--family hashing: the router of a sharded cache. Each request's path is its key; the strategy picks the"
            + " cache node (an in-process LRU, --cache-* options) that answers it, or fetches from a slow origin"
            + " (--origin-* options) on a miss. /_/nodes lists (GET) and adds (POST) nodes, DELETE /_/nodes/NAME"
            + " removes one; --node-event schedules changes.",
        "",
        "--family ratelimit: an API gateway's rate limiter (--rule, --throttle and the other rate-limit options)"
            + " in front of a round-robin load balancer over real (--backend) or simulated (--simulated, 2 by"
            + " default) backends. A request over the limit gets 429 with Retry-After and RateLimit-* headers, or"
            + " waits (--throttle delay|queue).",
        "",
        "--family cache: a bounded cache run by the strategy (an eviction policy; --capacity entries) in front of a"
            + " slow origin (--origin-* options; --keys keys). GET /k/KEY reads, PUT /k/KEY writes through"
            + " --write-strategy; --ttl, --ttl-jitter, --stale-while-revalidate expire entries; --single-flight,"
            + " --xfetch-beta, --lock-stale, --negative-ttl, --bloom and --preload protect the origin. /_/cache/crash"
            + " simulates the process dying (the write-behind queue is lost).",
        "",
        "Every family: GET /_/health, GET /_/stats, POST /_/reset. Runs until interrupted (Ctrl-C or SIGTERM).",
        ""},
    mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false)
final class ServeCommand implements Callable<Integer> {
  @ParentCommand
  Bench bench;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--family", paramLabel = "NAME", defaultValue = "lb",
      description = "Family whose stage the server runs (see `bench list`).")
  String family;

  @Mixin
  StrategyOptions strategy;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address to listen on.")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
      description = "Port to listen on; 0 picks a free one (see --port-file).")
  int port;

  @Option(names = "--io-threads", paramLabel = "N", defaultValue = "1",
      description = "Event-loop threads for client and backend connections.")
  int ioThreads;

  @Option(names = "--transport", paramLabel = "KIND", defaultValue = "auto",
      description = "Socket transport: auto (io_uring where the kernel allows it, else epoll, else nio), epoll,"
          + " io_uring or nio.")
  String transport;

  @Option(names = "--backend", paramLabel = "HOST:PORT[,weight=W]", showDefaultValue = Visibility.NEVER,
      description = "A real backend, any HTTP/1.1 server (repeatable; none by default).")
  List<String> backends = new ArrayList<>();

  @Option(names = "--simulated", paramLabel = "N", defaultValue = "0",
      description = "Number of simulated in-process backends (named b1..bN), shaped by the --sim-* options.")
  int simulated;

  @Option(names = "--sim-threads", paramLabel = "N", defaultValue = "1",
      description = "Event-loop threads shared by the simulated backends (apart from --io-threads).")
  int simThreads;

  @Mixin
  PoolOptions pool;

  @Mixin
  HealthOptions health;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "1s", converter = NanosConverter.class,
      description = "How long a connection to a backend may take before the request is retried elsewhere.")
  long connectTimeoutNanos;

  @Option(names = "--response-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = NanosConverter.class,
      description = "How long a backend may take to answer before the client gets 504.")
  long responseTimeoutNanos;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "4096",
      description = "Most connections to one backend per I/O thread.")
  int maxConnections;

  @Mixin
  CacheOptions cache;

  @Mixin
  RateLimitOptions rateLimit;

  @Mixin
  CacheStageOptions caching;

  @Option(names = "--add-forwarded-for", description = "Append the client's address to X-Forwarded-For upstream.")
  boolean addForwardedFor;

  @Option(names = "--allocator", paramLabel = "KIND", defaultValue = "pooled",
      description = "Netty buffer allocator: pooled (arenas, fastest here) or adaptive (Netty 4.2's default).")
  String allocator;

  @Option(names = "--leak-detection", paramLabel = "LEVEL", defaultValue = "disabled",
      description = "Netty buffer leak detection: disabled, simple, advanced or paranoid. Sampling costs time per"
          + " request, so a benchmark target runs without it; -Dio.netty.leakDetection.level overrides this.")
  String leakDetection;

  @Option(names = "--port-file", paramLabel = "FILE",
      description = "Write the port listened on to this file once ready (for --port 0).")
  Path portFile;

  @Option(names = "--hlog", paramLabel = "FILE",
      description = "Write server latency as an HdrHistogram log (one interval a second) to this file.")
  Path hlog;

  private static io.netty.util.ResourceLeakDetector.Level leakLevel(String name) {
    try {
      return io.netty.util.ResourceLeakDetector.Level.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--leak-detection must be disabled, simple, advanced or paranoid, got '"
          + name + "'");
    }
  }

  @Override
  public Integer call() throws Exception {
    StrategyRegistry registry = bench.registry();
    Family<?> chosen = registry.family(family);
    ServerConfig config = new ServerConfig(host, port, ioThreads, transport, 1024 * 1024, 60, "X-Session",
        "SESSIONID", addForwardedFor, allocator);
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      io.netty.util.ResourceLeakDetector.setLevel(leakLevel(leakDetection));
    }
    StrategyDescriptor<?> descriptor;
    Stage stage = null;
    List<Stage> stages = null;
    String backendsLine;
    if (chosen == LoadBalancer.FAMILY) {
      StrategyDescriptor<LoadBalancer> lb = registry.strategy(LoadBalancer.FAMILY, strategy.strategyOr("round-robin"));
      lb.validate(strategy.params);
      if (simulated < 0) {
        throw new IllegalArgumentException("--simulated must be 0 or more, got " + simulated);
      }
      List<BackendAddress> real = backends.stream().map(BackendAddress::parse).toList();
      Upstream.Limits limits = new Upstream.Limits(
          (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos)), responseTimeoutNanos,
          maxConnections, Math.min(1024, maxConnections));
      stage = new LoadBalancerStage(lb.create(strategy.params, StrategyContext.system()), lb.name(), real,
          simulated > 0 ? pool.build(simulated) : List.of(), health.policy(), limits, simThreads);
      descriptor = lb;
      backendsLine = (real.size() + simulated) + " backend(s)";
    } else if (chosen == ConsistentHash.FAMILY) {
      StrategyDescriptor<ConsistentHash> hashing = registry.strategy(ConsistentHash.FAMILY, strategy.strategyOr("ring"));
      hashing.validate(strategy.params);
      ShardedCacheStage.Config cacheConfig = cache.build();
      stage = new ShardedCacheStage(hashing.create(strategy.params, StrategyContext.system()), hashing.name(),
          cacheConfig);
      descriptor = hashing;
      backendsLine = cacheConfig.nodes() + " cache node(s)";
    } else if (chosen == RateLimiter.FAMILY) {
      StrategyDescriptor<RateLimiter> limiter = registry.strategy(RateLimiter.FAMILY, strategy.strategyOr("token-bucket"));
      limiter.validate(strategy.params);
      RateLimitStage.Config rlConfig = rateLimit.build(
          Long.parseLong(RuleLimiters.param(limiter, strategy.params, "limit")),
          Long.parseLong(RuleLimiters.param(limiter, strategy.params, "window-millis")));
      if (simulated < 0) {
        throw new IllegalArgumentException("--simulated must be 0 or more, got " + simulated);
      }
      List<BackendAddress> real = backends.stream().map(BackendAddress::parse).toList();
      int sims = real.isEmpty() && simulated == 0 ? 2 : simulated;
      Upstream.Limits limits = new Upstream.Limits(
          (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos)), responseTimeoutNanos,
          maxConnections, Math.min(1024, maxConnections));
      RateLimitStage rl = new RateLimitStage(limiter.name(), rlConfig,
          RuleLimiters.factory(limiter, strategy.params, StrategyContext.system()));
      LoadBalancerStage behind = new LoadBalancerStage(
          registry.strategy(LoadBalancer.FAMILY, "round-robin").create(Map.of(), StrategyContext.system()),
          "round-robin", real, sims > 0 ? pool.build(sims) : List.of(), health.policy(), limits, simThreads);
      stages = List.of(rl, behind);
      descriptor = limiter;
      backendsLine = rlConfig.rules().size() + " rule(s) in front of " + (real.size() + sims)
          + " round-robin backend(s)";
    } else if (chosen == CachePolicy.FAMILY) {
      StrategyDescriptor<CachePolicy> policy = registry.strategy(CachePolicy.FAMILY, strategy.strategyOr("lru"));
      if (strategy.params.containsKey("capacity")) {
        throw new IllegalArgumentException("--param capacity: give the cache's capacity with --capacity");
      }
      CacheStage.Config cacheConfig = caching.build(); // names --capacity, --ttl, ... before the policy's checks
      Map<String, String> params = new LinkedHashMap<>(strategy.params);
      params.put("capacity", Long.toString(caching.capacity));
      policy.validate(params);
      Origin origin = new Origin(new Origin.Config(caching.keys,
          io.strategybench.backend.ServiceTime.parse(cache.originTime, "--origin-time"), cache.originCapacity,
          cache.originQueue));
      stage = new CacheStage(policy.create(params, StrategyContext.system()), policy.name(), origin, cacheConfig);
      descriptor = policy;
      backendsLine = "a " + caching.capacity + "-entry cache (" + cacheConfig.write().cliName() + ") in front of an"
          + " origin of " + caching.keys + " keys";
    } else {
      throw new IllegalArgumentException("family '" + family + "' has no target stage yet; serve supports: lb,"
          + " hashing, ratelimit, cache");
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("family", chosen.name());
    info.put("strategy", descriptor.name());
    info.put("parameters", strategy.params);
    TargetServer server = new TargetServer(config, stages != null ? stages : List.of(stage), info);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "serve-shutdown"));
    if (hlog != null) {
      server.logLatencyTo(hlog);
    }
    server.start();
    if (portFile != null) {
      Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
      Files.writeString(tmp, server.port() + "\n");
      Files.move(tmp, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("serving %s/%s on http://%s:%d/ with %s, %d I/O thread(s), %s; stats at /_/stats;"
            + " Ctrl-C stops%n", chosen.name(), descriptor.name(), host, server.port(), backendsLine,
        ioThreads, server.transport().name().toLowerCase());
    out.flush();
    stopped.await();
    return Bench.EXIT_OK;
  }
}
