package io.strategybench.cli;

import io.strategybench.family.FamilyModule;
import io.strategybench.family.FamilyModules;
import io.strategybench.server.ServerStartException;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.StrategyException;
import io.strategybench.strategy.StrategyRegistry;
import io.strategybench.strategy.UnknownNameException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code bench}: puts backend strategies side by side in three lenses (JMH, simulation, Gatling load on a
 * Netty target) and writes results people and machines can read.
 *
 * <p>Exit codes: 0 success, 1 failure, 2 bad usage (unknown name, invalid option or parameter),
 * 3 a check or gate failed.
 */
@Command(name = "bench",
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = Bench.Version.class,
    header = "Backend strategies side by side: JMH, deterministic simulation, and Gatling load on a Netty target.",
    description = {
        "",
        "Start with @|bold bench run quick|@: every strategy of every family (load balancing, consistent hashing, rate"
            + " limiting, caching) in all three lenses, written to a results "
            + "folder with results.json and report.html. @|bold bench list|@ shows the families and strategies, "
            + "built-in and plugin.",
        ""},
    footer = {
        "",
        "Plugins: every *.jar in the plugins/ folder of the StrategyBench home, plus each --plugin PATH.",
        "Exit status: 0 ok, 1 failure, 2 bad usage (unknown name, invalid option), 3 a check failed, 4 inconclusive"
            + " (bench run: no check failed, but the machine rather than the strategies limited some load steps)."},
    subcommands = {
        ListCommand.class,
        ServeCommand.class,
        SimulateCommand.class,
        MicroCommand.class,
        RunCommand.class,
        SuitesCommand.class,
        CompareCommand.class,
        MergeCommand.class,
        PublishCommand.class,
        CommandLine.HelpCommand.class},
    sortOptions = false,
    showDefaultValues = true,
    usageHelpAutoWidth = true)
public final class Bench implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_CHECK_FAILED = 3;
  public static final int EXIT_INCONCLUSIVE = 4;

  @Option(names = "--plugin", paramLabel = "PATH", scope = ScopeType.INHERIT,
      showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description = "Load strategies from this plugin jar too (repeatable; none by default).")
  List<Path> plugins = new ArrayList<>();

  @Option(names = "--plugins-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
      description = "Folder whose *.jar files are loaded as plugins (default: plugins/ in the StrategyBench home).")
  Path pluginsDir;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private FamilyModules modules;
  private List<Path> modulesJars;

  /** The StrategyBench home: where scripts/bench lives; {@code -Dstrategybench.home}, else the working folder. */
  public static Path home() {
    return Path.of(System.getProperty("strategybench.home", ".")).toAbsolutePath().normalize();
  }

  Path pluginsDir() {
    return pluginsDir != null ? pluginsDir : home().resolve("plugins");
  }

  /** The families, built in and from plugins, loaded once. */
  FamilyModules modules() {
    List<Path> jars = StrategyRegistry.pluginJars(pluginsDir(), plugins);
    if (modules == null || !jars.equals(modulesJars)) {
      // the plugin options as parsed name other jars than the command line was built with (a caller that built it
      // without the arguments): load those
      modules = FamilyModules.load(jars);
      modulesJars = jars;
    }
    return modules;
  }

  /** The registry of built-in and plugin strategies. */
  StrategyRegistry registry() {
    return modules().registry();
  }

  /** The family subcommands of a {@code simulate} or {@code micro} command. */
  static List<String> familyNames(CommandLine.Model.CommandSpec spec) {
    return spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code. */
  public static int execute(String... args) {
    CommandLine cli;
    try {
      cli = newCommandLine(args);
    } catch (StrategyException e) {
      System.err.println("bench: " + e.getMessage());
      return EXIT_FAILURE;
    }
    return cli.execute(args);
  }

  /** The command line with the built-in families and those of the default plugins folder. */
  public static CommandLine newCommandLine() {
    return newCommandLine(new String[0]);
  }

  /**
   * The command line for {@code args}: the families of the plugins they name ({@code --plugin},
   * {@code --plugins-dir}) add their {@code simulate} and {@code micro} subcommands and their {@code serve} options
   * before the arguments are parsed.
   */
  public static CommandLine newCommandLine(String[] args) {
    Bench bench = new Bench();
    List<Path> explicit = new ArrayList<>();
    Path dir = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ((a.equals("--plugin") || a.equals("--plugins-dir")) && i + 1 < args.length) {
        if (a.equals("--plugin")) {
          explicit.add(Path.of(args[++i]));
        } else {
          dir = Path.of(args[++i]);
        }
      } else if (a.startsWith("--plugin=")) {
        explicit.add(Path.of(a.substring("--plugin=".length())));
      } else if (a.startsWith("--plugins-dir=")) {
        dir = Path.of(a.substring("--plugins-dir=".length()));
      }
    }
    bench.modulesJars = StrategyRegistry.pluginJars(dir != null ? dir : home().resolve("plugins"), explicit);
    bench.modules = FamilyModules.load(bench.modulesJars);
    CommandLine cli = new CommandLine(bench);
    CommandLine simulate = cli.getSubcommands().get("simulate");
    CommandLine micro = cli.getSubcommands().get("micro");
    ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
    for (FamilyModule module : bench.modules.all()) {
      String name = module.family().name();
      Object simulator = module.simulateCommand();
      if (simulator != null) {
        simulate.addSubcommand(name, simulator);
      }
      Object benchmark = module.microCommand();
      if (benchmark != null) {
        micro.addSubcommand(name, benchmark);
      }
      serve.addFamily(cli.getSubcommands().get("serve"), module);
    }
    OptionTable.addTables(cli);
    cli.setExecutionExceptionHandler(Bench::handleException);
    cli.setParameterExceptionHandler(Bench::handleParameterException);
    return cli;
  }

  private static int handleException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    String name = qualifiedName(cli);
    if (e instanceof UnknownNameException || e instanceof InvalidParameterException
        || e instanceof IllegalArgumentException || e instanceof CommandLine.ParameterException) {
      err.println(name + ": " + e.getMessage());
      err.println("Try '" + name + " --help' for the options.");
      return EXIT_USAGE;
    }
    if (e instanceof StrategyException || e instanceof ServerStartException || e instanceof UserFacingException
        || e instanceof java.io.IOException) {
      err.println(name + ": " + e.getMessage());
      return EXIT_FAILURE;
    }
    err.println(name + ": failed: " + e);
    e.printStackTrace(err);
    return EXIT_FAILURE;
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    String message = e.getMessage();
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !cli.getSubcommands().isEmpty()
        && cli.getParent() != null) {
      // `bench simulate foo`: the subcommands of simulate, micro and run are family or suite names.
      List<String> names = cli.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
      message = "unknown " + (cli.getCommandName().equals("run") ? "suite" : "family") + " '"
          + unmatched.getUnmatched().get(0) + "'; valid names: " + String.join(", ", names);
    }
    String name = qualifiedName(cli);
    err.println(name + ": " + message);
    err.println("Try '" + name + " --help' for the options.");
    return EXIT_USAGE;
  }

  private static String qualifiedName(CommandLine cli) {
    StringBuilder name = new StringBuilder(cli.getCommandName());
    for (CommandLine p = cli.getParent(); p != null; p = p.getParent()) {
      name.insert(0, p.getCommandName() + " ");
    }
    return name.toString();
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Bench.class.getPackage().getImplementationVersion();
      return new String[] {"StrategyBench " + (version == null ? "(development build)" : version),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
  }
}
