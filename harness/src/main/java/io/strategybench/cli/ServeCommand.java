package io.strategybench.cli;

import io.strategybench.family.FamilyModule;
import io.strategybench.family.StageFactory;
import io.strategybench.server.ServerConfig;
import io.strategybench.server.Stage;
import io.strategybench.server.TargetServer;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyException;
import io.strategybench.strategy.StrategyRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bench serve}: the Netty target server running a pipeline of stages, each one strategy of a family,
 * until stopped. The families add their stages' options at start ({@link #addFamily}); this class names none.
 */
@Command(name = "serve", header = "Run the Netty target server: one strategy of a family, or a pipeline of stages.",
    customSynopsis = {"bench serve [--stage FAMILY[:STRATEGY]]... [-p [FAMILY.]KEY=VALUE]... [OPTION]...",
        "bench serve [--family NAME] [--strategy NAME] [-p KEY=VALUE]... [OPTION]..."},
    description = {
        "",
        "Each request goes through the stages in order; a stage answers it or passes it to the next (a rate limiter"
            + " passes what it admits, a cache passes its misses). --stage FAMILY:STRATEGY, repeatable, names them"
            + " in order, e.g. the API gateway:",
        "",
        "  bench serve --stage ratelimit:token-bucket --stage cache:w-tinylfu --stage lb:power-of-two-choices"
            + " --backend 127.0.0.1:9001 --backend 127.0.0.1:9002",
        "",
        "--family NAME [--strategy S] is the short form for one family's usual pipeline (rate limiting puts a"
            + " round-robin load balancer behind its limiter). An option marked (NAME) belongs to that family's"
            + " stage. With several stages, scope a strategy parameter by family: -p lb.choices=3.",
        "",
        "Every pipeline: GET /_/health, GET /_/stats (each stage's counters and the time it added), POST /_/reset."
            + " Runs until interrupted (Ctrl-C or SIGTERM).",
        "",
        "Families with a stage:"})
public final class ServeCommand implements Callable<Integer>, OptionTable.Host {
  private static final String MIXIN_PREFIX = "stage-options-";

  @ParentCommand
  Bench bench;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--stage", paramLabel = "FAMILY[:STRATEGY]", showDefaultValue = Visibility.NEVER,
      description = "A stage of the pipeline, in order (repeatable); the family's default strategy when none is"
          + " named. Overrides --family and --strategy.")
  List<String> stageSpecs = new ArrayList<>();

  @Option(names = "--family", paramLabel = "NAME", defaultValue = "lb",
      description = "Without --stage: the family whose usual pipeline the server runs (see `bench list`).")
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

  private final OptionTable.Bound<OriginOptions> origin = OptionTable.of(OriginOptions.class).bind();

  @Option(names = "--add-forwarded-for", description = "Append the client's address to X-Forwarded-For upstream.")
  boolean addForwardedFor;

  @Option(names = "--max-client-connections", paramLabel = "N", defaultValue = "0",
      description = "Client connections held open at once; past it a connection is answered 503 and closed."
          + " 0: half of the file descriptors this process may open, less 256 kept for backends and files.")
  int maxClientConnections;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = NanosConverter.class,
      description = "A client connection that sends nothing this long between requests, or takes none of its"
          + " answer this long, is closed (whole seconds).")
  long idleTimeoutNanos;

  @Option(names = "--header-timeout", paramLabel = "DURATION", defaultValue = "20s", converter = NanosConverter.class,
      description = "A request head must arrive whole this long after its first byte, else 408 and the connection"
          + " is closed (nginx's client_header_timeout): a client trickling its head holds a connection no longer.")
  long headerTimeoutNanos;

  @Option(names = "--allocator", paramLabel = "KIND", defaultValue = "pooled",
      description = "Netty buffer allocator: pooled (arenas, fastest here) or adaptive (Netty 4.2's default).")
  String allocator;

  @Option(names = "--leak-detection", paramLabel = "LEVEL", defaultValue = "disabled",
      description = "Netty buffer leak detection: disabled, simple, advanced or paranoid. Sampling costs time per"
          + " request, so a benchmark target runs without it; -Dio.netty.leakDetection.level overrides this.")
  String leakDetection;

  @Mixin
  AdminOptions admin;

  @Option(names = "--port-file", paramLabel = "FILE",
      description = "Write the port listened on to this file once ready (for --port 0).")
  Path portFile;

  @Option(names = "--hlog", paramLabel = "FILE",
      description = "Write server latency as an HdrHistogram log (one interval a second) to this file.")
  Path hlog;

  /**
   * Adds a family's stage options to {@code serve} (its command line {@code serveLine}), and the family to the
   * help's list.
   *
   * @throws StrategyException when one of its options has the name of an option already there
   */
  void addFamily(CommandLine serveLine, FamilyModule module) {
    StageFactory stages = module.stages();
    if (stages == null) {
      return;
    }
    String name = module.family().name();
    Object options = stages.options();
    if (options != null) {
      try {
        if (options instanceof OptionTable.Bound<?> table) {
          serveLine.getCommandSpec().addMixin(MIXIN_PREFIX + name, table.spec());
        } else {
          serveLine.addMixin(MIXIN_PREFIX + name, options);
        }
      } catch (CommandLine.DuplicateOptionAnnotationsException e) {
        throw new StrategyException("family '" + name + "' declares a serve option that another family or serve"
            + " itself already has: " + e.getMessage());
      }
    }
    List<String> description = new ArrayList<>(List.of(serveLine.getCommandSpec().usageMessage().description()));
    description.add("  " + name + " (" + module.family().title() + "; default strategy " + stages.defaultStrategy()
        + ", usual pipeline " + String.join(" → ", stages.pipeline(name, stages.defaultStrategy())) + ")");
    serveLine.getCommandSpec().usageMessage().description(description.toArray(String[]::new));
  }

  private static io.netty.util.ResourceLeakDetector.Level leakLevel(String name) {
    try {
      return io.netty.util.ResourceLeakDetector.Level.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--leak-detection must be disabled, simple, advanced or paranoid, got '"
          + name + "'");
    }
  }

  /** One stage as named: its family and strategy. */
  private record Named(FamilyModule module, StrategyDescriptor<?> strategy) {
    String family() {
      return module.family().name();
    }
  }

  /** The stages the command line names, in order. */
  private List<Named> pipeline() {
    StrategyRegistry registry = bench.registry();
    List<String> specs = stageSpecs;
    if (specs.isEmpty()) {
      FamilyModule module = withStage(family);
      StageFactory stages = module.stages();
      specs = stages.pipeline(family, strategy.strategyOr(stages.defaultStrategy()));
    } else if (strategy.strategy != null) {
      throw new IllegalArgumentException("--strategy goes with --family; with --stage name the strategy in it"
          + " (--stage " + stageSpecs.get(0).split(":", 2)[0] + ":" + strategy.strategy + ")");
    }
    List<Named> named = new ArrayList<>();
    for (String s : specs) {
      int colon = s.indexOf(':');
      String familyName = colon < 0 ? s : s.substring(0, colon);
      FamilyModule module = withStage(familyName);
      String strategyName = colon < 0 ? module.stages().defaultStrategy() : s.substring(colon + 1);
      if (named.stream().anyMatch(n -> n.family().equals(familyName))) {
        throw new IllegalArgumentException("--stage " + s + ": the pipeline has a " + familyName + " stage already;"
            + " each family's stage appears once");
      }
      named.add(new Named(module, registry.strategy(module.family(), strategyName)));
    }
    return named;
  }

  private FamilyModule withStage(String name) {
    FamilyModule module = bench.modules().named(name);
    if (module.stages() == null) {
      throw new IllegalArgumentException("family '" + name + "' puts no stage in the target; families with one: "
          + String.join(", ", bench.modules().all().stream().filter(m -> m.stages() != null)
              .map(m -> m.family().name()).toList()));
    }
    return module;
  }

  /**
   * Each stage's strategy parameters: {@code -p FAMILY.KEY=V} goes to that family's stage; {@code -p KEY=V} to the
   * first stage when the pipeline came from --family, or to the only stage.
   */
  private Map<String, Map<String, String>> params(List<Named> stages) {
    Map<String, Map<String, String>> byFamily = new LinkedHashMap<>();
    stages.forEach(n -> byFamily.put(n.family(), new LinkedHashMap<>()));
    for (Map.Entry<String, String> p : strategy.params.entrySet()) {
      String key = p.getKey();
      int dot = key.indexOf('.');
      if (dot > 0 && byFamily.containsKey(key.substring(0, dot))) {
        byFamily.get(key.substring(0, dot)).put(key.substring(dot + 1), p.getValue());
      } else if (stageSpecs.isEmpty() || stages.size() == 1) {
        byFamily.get(stages.get(0).family()).put(key, p.getValue());
      } else {
        throw new IllegalArgumentException("--param " + key + ": with several stages, name the stage's family ("
            + String.join(", ", byFamily.keySet().stream().map(f -> f + "." + key).toList()) + ")");
      }
    }
    return byFamily;
  }

  /** Refuses options of families that have no stage in the pipeline: they would be silently ignored. */
  private void checkOptionsBelong(List<Named> stages) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    if (parsed == null) {
      return;
    }
    for (Map.Entry<String, CommandLine.Model.CommandSpec> mixin : spec.mixins().entrySet()) {
      if (!mixin.getKey().startsWith(MIXIN_PREFIX)) {
        continue;
      }
      String owner = mixin.getKey().substring(MIXIN_PREFIX.length());
      if (stages.stream().anyMatch(n -> n.family().equals(owner))) {
        continue;
      }
      for (OptionSpec option : mixin.getValue().options()) {
        if (parsed.hasMatchedOption(option.longestName())) {
          throw new IllegalArgumentException(option.longestName() + " is an option of the " + owner + " stage, which"
              + " is not in the pipeline (" + String.join(" → ", stages.stream()
                  .map(n -> n.family() + ":" + n.strategy().name()).toList()) + ")");
        }
      }
    }
  }

  private Object optionsOf(String familyName) {
    CommandLine.Model.CommandSpec mixin = spec.mixins().get(MIXIN_PREFIX + familyName);
    return mixin == null ? null : mixin.userObject();
  }

  @Override
  public Map<String, OptionTable.Bound<?>> optionTables() {
    return Map.of("origin", origin);
  }

  @Override
  public Integer call() throws Exception {
    List<Named> named = pipeline();
    checkOptionsBelong(named);
    Map<String, Map<String, String>> params = params(named);
    if (idleTimeoutNanos < 1_000_000_000L || headerTimeoutNanos <= 0) {
      throw new IllegalArgumentException("--idle-timeout must be at least 1s and --header-timeout positive, got "
          + idleTimeoutNanos / 1_000_000 + " ms and " + headerTimeoutNanos / 1_000_000 + " ms");
    }
    ServerConfig config = new ServerConfig(host, port, ioThreads, transport, 1024 * 1024,
        (int) Math.min(Integer.MAX_VALUE, idleTimeoutNanos / 1_000_000_000L), "X-Session", "SESSIONID",
        addForwardedFor, allocator, maxClientConnections, admin.access(host), headerTimeoutNanos);
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      io.netty.util.ResourceLeakDetector.setLevel(leakLevel(leakDetection));
    }
    StageFactory.Common common = origin.values().common(ioThreads);
    List<Stage> stages = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < named.size(); i++) {
      Named n = named.get(i);
      StageFactory.Built built = n.module().stages().build(new StageFactory.Request(bench.registry(), n.strategy(),
          params.get(n.family()), optionsOf(n.family()), common, i, named.size()));
      stages.add(built.stage());
      lines.add(n.family() + "/" + n.strategy().name() + " (" + built.description() + ")");
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("family", named.get(0).family());
    info.put("strategy", named.get(0).strategy().name());
    info.put("parameters", params.get(named.get(0).family()));
    List<Map<String, Object>> pipeline = new ArrayList<>();
    for (Named n : named) {
      pipeline.add(Map.of("family", n.family(), "strategy", n.strategy().name(), "parameters",
          params.get(n.family())));
    }
    info.put("pipeline", pipeline);
    TargetServer server = new TargetServer(config, stages, info);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      if (admin.madeTokenFile != null) {
        try {
          Files.deleteIfExists(admin.madeTokenFile);
        } catch (java.io.IOException e) {
          // the temporary folder keeps it
        }
      }
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
    if (admin.portFile != null) {
      Path tmp = admin.portFile.resolveSibling(admin.portFile.getFileName() + ".tmp");
      Files.writeString(tmp, server.adminPort() + "\n");
      Files.move(tmp, admin.portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("serving %s on http://%s:%d/ with %d I/O thread(s), %s; Ctrl-C stops%n",
        String.join(" → ", lines), host, server.port(), ioThreads, server.transport().name().toLowerCase(Locale.ROOT));
    var access = config.admin();
    out.printf("admin plane (stats, reset, backends) at http://%s:%d/_/stats%s%n",
        access.separate() ? access.host() : host, server.adminPort(), access.token() == null ? ""
            : "; it needs 'Authorization: Bearer " + access.token() + "' (also in "
                + (admin.tokenFile != null ? admin.tokenFile : admin.madeTokenFile) + ")");
    out.flush();
    stopped.await();
    return Bench.EXIT_OK;
  }
}
