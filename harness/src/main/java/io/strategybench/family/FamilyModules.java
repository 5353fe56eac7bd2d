package io.strategybench.family;

import io.strategybench.strategy.Family;
import io.strategybench.strategy.StrategyException;
import io.strategybench.strategy.StrategyRegistry;
import io.strategybench.strategy.UnknownNameException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The families StrategyBench runs: every {@link FamilyModule} on the class path and in the plugin jars, found with
 * {@link ServiceLoader}, in their {@link FamilyModule#order() order}; and the strategies of all of them, from the
 * same class loader. A plugin jar may bring a whole family, or strategies of one.
 */
public final class FamilyModules {
  private static volatile FamilyModules builtIn;

  private final Map<String, FamilyModule> byName = new LinkedHashMap<>();
  private final StrategyRegistry registry;

  private FamilyModules(List<FamilyModule> modules, StrategyRegistry registry) {
    modules.forEach(m -> byName.put(m.family().name(), m));
    this.registry = registry;
  }

  /**
   * The families and strategies on the class path and in {@code pluginJars}.
   *
   * @throws StrategyException when a jar is missing, two modules claim one family name, or a module fails to load
   */
  public static FamilyModules load(List<Path> pluginJars) {
    List<Path> jars = StrategyRegistry.checked(pluginJars);
    ClassLoader loader = StrategyRegistry.loader(jars);
    List<FamilyModule> modules = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>();
    try {
      for (ServiceLoader.Provider<FamilyModule> provider : ServiceLoader.load(FamilyModule.class, loader).stream()
          .toList()) {
        FamilyModule module = provider.get();
        String name = module.family().name();
        String earlier = seen.putIfAbsent(name, provider.type().getName());
        if (earlier != null) {
          throw new StrategyException("two families are named '" + name + "': " + earlier + " and "
              + provider.type().getName());
        }
        modules.add(module);
      }
    } catch (ServiceConfigurationError e) {
      throw new StrategyException("a family module could not be loaded: " + e.getMessage(), e);
    }
    modules.sort(Comparator.comparingInt(FamilyModule::order).thenComparing(m -> m.family().name()));
    List<Family<?>> families = modules.stream().<Family<?>>map(FamilyModule::family).toList();
    return new FamilyModules(modules, StrategyRegistry.load(families, jars, loader));
  }

  /** The built-in families and strategies, with no plugin (loaded once). */
  public static FamilyModules builtIn() {
    FamilyModules b = builtIn;
    if (b == null) {
      b = load(List.of());
      builtIn = b;
    }
    return b;
  }

  /**
   * The families and strategies of the StrategyBench home ({@code -Dstrategybench.home}, else the working folder):
   * built in and the jars of its {@code plugins/} folder. For a forked JVM (a JMH fork) that must see what the
   * command that started it saw.
   */
  public static FamilyModules fromHome() {
    return load(StrategyRegistry.pluginJars(
        Path.of(System.getProperty("strategybench.home", ".")).resolve("plugins"), List.of()));
  }

  /** Every strategy of every family. */
  public StrategyRegistry registry() {
    return registry;
  }

  /** The families, in order. */
  public List<FamilyModule> all() {
    return List.copyOf(byName.values());
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** @throws UnknownNameException listing the valid family names */
  public FamilyModule named(String name) {
    FamilyModule module = byName.get(name);
    if (module == null) {
      throw new UnknownNameException("family", name, byName.keySet());
    }
    return module;
  }

  /** The family of {@code name}, or null. */
  public FamilyModule find(String name) {
    return byName.get(name);
  }

  /** The family whose plan is a {@code planType}. */
  public FamilyModule forPlan(Class<?> planType) {
    for (FamilyModule m : byName.values()) {
      if (m.planType() == planType) {
        return m;
      }
    }
    throw new IllegalArgumentException(planType.getName() + " is the plan of no family; families: " + names());
  }
}
