package io.strategybench.cli;

import io.strategybench.server.Json;
import io.strategybench.strategy.Family;
import io.strategybench.strategy.SettingDescriptor;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench list}: families and their strategies, built-in and plugin, with their parameters. */
@Command(name = "list", header = "List the families and their strategies (built-in and plugins) with parameters.",
    mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false)
final class ListCommand implements Callable<Integer> {
  @ParentCommand
  Bench bench;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--family", paramLabel = "NAME", description = "Only this family (e.g. lb).")
  String family;

  @Option(names = "--json", description = "Print one JSON document instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    StrategyRegistry registry = bench.registry();
    List<Family<?>> families = family == null ? registry.families() : List.of(registry.family(family));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(document(registry, families)));
      return Bench.EXIT_OK;
    }
    for (Family<?> f : families) {
      out.printf("%s (%s): %s%n", f.name(), f.title(), f.question());
      for (StrategyDescriptor<?> s : registry.strategies(f)) {
        out.printf("  %-28s %s%s%n", s.name(), s.summary(), s.isPlugin() ? "  [plugin " + s.source() + "]" : "");
        for (SettingDescriptor p : s.settings()) {
          out.printf("  %-28s   --param %s=%s  (%s; %s)%n", "", p.name(), p.defaultValue(), p.description(),
              p.allowed());
        }
      }
      if (f == io.strategybench.cache.CachePolicy.FAMILY) {
        out.println("  write strategies of the cache stage (serve --write-strategy):");
        for (io.strategybench.cache.WriteStrategy w : io.strategybench.cache.WriteStrategy.values()) {
          out.printf("  %-28s %s%n", w.cliName(), w.summary());
        }
        out.println("  protections of the cache stage (serve options): --ttl-jitter (avalanche), --preload (avalanche),"
            + " --single-flight, --xfetch-beta, --lock-stale (stampede), --negative-ttl, --bloom (penetration),"
            + " --stale-while-revalidate; ETag and If-None-Match always");
      }
      out.println();
    }
    if (!registry.plugins().isEmpty()) {
      out.println("plugins loaded: " + registry.plugins());
    }
    out.flush();
    return Bench.EXIT_OK;
  }

  static Map<String, Object> document(StrategyRegistry registry, List<Family<?>> families) {
    List<Object> familyList = new ArrayList<>();
    for (Family<?> f : families) {
      List<Object> strategies = new ArrayList<>();
      for (StrategyDescriptor<?> s : registry.strategies(f)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("summary", s.summary());
        m.put("source", s.source());
        m.put("plugin", s.isPlugin());
        m.put("className", s.type().getName());
        List<Object> parameters = new ArrayList<>();
        for (SettingDescriptor p : s.settings()) {
          Map<String, Object> pm = new LinkedHashMap<>();
          pm.put("name", p.name());
          pm.put("type", p.type());
          pm.put("default", p.defaultValue());
          pm.put("description", p.description());
          pm.put("min", Double.isInfinite(p.min()) ? null : p.min());
          pm.put("max", Double.isInfinite(p.max()) ? null : p.max());
          parameters.add(pm);
        }
        m.put("parameters", parameters);
        strategies.add(m);
      }
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("family", f.name());
      fm.put("title", f.title());
      fm.put("question", f.question());
      fm.put("strategies", strategies);
      if (f == io.strategybench.cache.CachePolicy.FAMILY) {
        List<Object> writes = new ArrayList<>();
        for (io.strategybench.cache.WriteStrategy w : io.strategybench.cache.WriteStrategy.values()) {
          writes.add(Map.of("name", w.cliName(), "summary", w.summary()));
        }
        fm.put("writeStrategies", writes);
        fm.put("protections", List.of("ttl-jitter", "preload", "single-flight", "xfetch", "lock-stale",
            "negative-cache", "bloom", "stale-while-revalidate", "conditional-requests"));
      }
      familyList.add(fm);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("families", familyList);
    doc.put("plugins", registry.plugins().stream().map(Object::toString).toList());
    return doc;
  }
}
