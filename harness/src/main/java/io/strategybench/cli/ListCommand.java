package io.strategybench.cli;

import io.strategybench.family.FamilyModule;
import io.strategybench.family.FamilyModules;
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
@Command(name = "list", header = "List the families and their strategies (built-in and plugins) with parameters.")
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
      out.println(Json.write(document(bench.modules(), families)));
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
      FamilyModule module = bench.modules().find(f.name());
      if (module != null) {
        for (FamilyModule.Listing listing : module.listed()) {
          out.println("  " + listing.heading() + ":");
          listing.items().forEach((name, summary) -> out.printf("  %-28s %s%n", name, summary));
        }
      }
      out.println();
    }
    if (!registry.plugins().isEmpty()) {
      out.println("plugins loaded: " + registry.plugins());
    }
    out.flush();
    return Bench.EXIT_OK;
  }

  static Map<String, Object> document(FamilyModules modules, List<Family<?>> families) {
    StrategyRegistry registry = modules.registry();
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
      FamilyModule module = modules.find(f.name());
      if (module != null) {
        for (FamilyModule.Listing listing : module.listed()) {
          List<Object> items = new ArrayList<>();
          listing.items().forEach((name, summary) -> items.add(Map.of("name", name, "summary", summary)));
          fm.put(listing.key(), items);
        }
      }
      familyList.add(fm);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("families", familyList);
    doc.put("plugins", registry.plugins().stream().map(Object::toString).toList());
    return doc;
  }
}
