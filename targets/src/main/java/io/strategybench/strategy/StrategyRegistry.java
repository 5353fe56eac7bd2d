package io.strategybench.strategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every strategy of every family, built-in or plugin, found the same way: as {@link ServiceLoader}
 * providers of the family interface, named by their {@link Strategy} annotation.
 *
 * <p>Plugins are jars on disk, loaded by one class loader whose parent is StrategyBench's own. Discovery
 * reads annotations from classes without instantiating them, and fails fast when two strategies of a family
 * share a name, when a registered class lacks its annotation, or when a plugin jar cannot be read.
 */
public final class StrategyRegistry {
  /** System property with extra plugin jars, separated by the path separator; used by forked JVMs. */
  public static final String PLUGINS_PROPERTY = "strategybench.plugins";

  private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  private final Map<String, Family<?>> families = new LinkedHashMap<>();
  private final Map<Family<?>, Map<String, StrategyDescriptor<?>>> strategies = new LinkedHashMap<>();
  private final List<Path> plugins;
  private final ClassLoader classLoader;

  private StrategyRegistry(List<Family<?>> families, List<Path> plugins, ClassLoader classLoader) {
    this.plugins = List.copyOf(plugins);
    this.classLoader = classLoader;
    for (Family<?> family : families) {
      this.families.put(family.name(), family);
      this.strategies.put(family, discover(family));
    }
  }

  /**
   * Discovers the strategies of {@code families} on the class path and in {@code pluginJars}.
   *
   * @throws StrategyException when a jar is missing, a name is taken twice, or a provider is malformed
   */
  public static StrategyRegistry load(List<Family<?>> families, List<Path> pluginJars) {
    List<Path> jars = checked(pluginJars);
    return new StrategyRegistry(families, jars, loader(jars));
  }

  /**
   * Discovers the strategies of {@code families} with {@code loader}, which sees the class path and
   * {@code pluginJars} (made by {@link #loader}; the families themselves may come from those jars).
   */
  public static StrategyRegistry load(List<Family<?>> families, List<Path> pluginJars, ClassLoader loader) {
    return new StrategyRegistry(families, checked(pluginJars), loader);
  }

  /** The jars, absolute and each once. @throws StrategyException for a jar that is not a file */
  public static List<Path> checked(List<Path> pluginJars) {
    List<Path> jars = new ArrayList<>();
    for (Path jar : pluginJars) {
      Path absolute = jar.toAbsolutePath().normalize();
      if (!Files.isRegularFile(absolute)) {
        throw new StrategyException("plugin jar " + jar + " does not exist or is not a file");
      }
      if (!jars.contains(absolute)) {
        jars.add(absolute);
      }
    }
    return jars;
  }

  /** One class loader over {@code jars} whose parent is StrategyBench's own (StrategyBench's own when none). */
  public static ClassLoader loader(List<Path> jars) {
    ClassLoader parent = StrategyRegistry.class.getClassLoader();
    List<Path> checked = checked(jars);
    return checked.isEmpty() ? parent : new URLClassLoader("strategybench-plugins", urls(checked), parent);
  }

  /**
   * The plugin jars to load: every {@code *.jar} in {@code pluginDir} (if it exists), then {@code explicit},
   * then those named by the {@value #PLUGINS_PROPERTY} system property.
   */
  public static List<Path> pluginJars(Path pluginDir, List<Path> explicit) {
    List<Path> jars = new ArrayList<>();
    if (pluginDir != null && Files.isDirectory(pluginDir)) {
      try (Stream<Path> files = Files.list(pluginDir)) {
        files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list plugin directory " + pluginDir, e);
      }
    }
    jars.addAll(explicit);
    String property = System.getProperty(PLUGINS_PROPERTY, "");
    for (String path : property.split(java.io.File.pathSeparator)) {
      if (!path.isBlank()) {
        jars.add(Path.of(path));
      }
    }
    return jars;
  }

  public List<Family<?>> families() {
    return List.copyOf(families.values());
  }

  /** @throws UnknownNameException listing the valid family names */
  public Family<?> family(String name) {
    Family<?> family = families.get(name);
    if (family == null) {
      throw new UnknownNameException("family", name, families.keySet());
    }
    return family;
  }

  /** The strategies of a family, sorted by name. */
  @SuppressWarnings("unchecked")
  public <S> List<StrategyDescriptor<S>> strategies(Family<S> family) {
    Map<String, StrategyDescriptor<?>> byName = strategies.get(family);
    if (byName == null) {
      throw new UnknownNameException("family", family.name(), families.keySet());
    }
    List<StrategyDescriptor<S>> out = new ArrayList<>();
    byName.values().forEach(d -> out.add((StrategyDescriptor<S>) d));
    return Collections.unmodifiableList(out);
  }

  public <S> List<String> names(Family<S> family) {
    return strategies(family).stream().map(StrategyDescriptor::name).toList();
  }

  /** @throws UnknownNameException listing the family's strategy names */
  @SuppressWarnings("unchecked")
  public <S> StrategyDescriptor<S> strategy(Family<S> family, String name) {
    StrategyDescriptor<?> descriptor = strategies.get(family).get(name);
    if (descriptor == null) {
      throw new UnknownNameException(family.name() + " strategy", name, strategies.get(family).keySet());
    }
    return (StrategyDescriptor<S>) descriptor;
  }

  /** The plugin jars that were loaded, absolute. */
  public List<Path> plugins() {
    return plugins;
  }

  /** The class loader that sees built-ins and plugins; forked JVMs get the same jars on their path. */
  public ClassLoader classLoader() {
    return classLoader;
  }

  private <S> Map<String, StrategyDescriptor<?>> discover(Family<S> family) {
    Map<String, StrategyDescriptor<?>> found = new TreeMap<>();
    Iterable<ServiceLoader.Provider<S>> providers;
    try {
      providers = ServiceLoader.load(family.type(), classLoader).stream().toList();
    } catch (ServiceConfigurationError e) {
      throw new StrategyException("cannot load " + family.name() + " strategies: " + e.getMessage(), e);
    }
    for (ServiceLoader.Provider<S> provider : providers) {
      Class<? extends S> type = provider.type();
      String source = sourceOf(type);
      Strategy annotation = type.getAnnotation(Strategy.class);
      if (annotation == null) {
        throw new StrategyException(type.getName() + " (" + source + ") is registered as a " + family.name()
            + " strategy but has no @Strategy(name = ..., summary = ...) annotation");
      }
      String name = annotation.name();
      if (!KEBAB.matcher(name).matches()) {
        throw new StrategyException(type.getName() + " (" + source + "): strategy name '" + name
            + "' must be kebab-case, like 'round-robin'");
      }
      StrategyDescriptor<?> previous = found.get(name);
      if (previous != null) {
        throw new StrategyException("duplicate " + family.name() + " strategy name '" + name + "': "
            + previous.type().getName() + " (" + previous.source() + ") and "
            + type.getName() + " (" + source + "); names must be unique within a family");
      }
      found.put(name, new StrategyDescriptor<>(family, name, annotation.summary(), type,
          StrategyDescriptor.settingsTypeOf(type), source, java.util.Set.of(annotation.characteristics())));
    }
    return found;
  }

  private String sourceOf(Class<?> type) {
    if (type.getClassLoader() == classLoader && classLoader instanceof URLClassLoader) {
      CodeSource codeSource = type.getProtectionDomain().getCodeSource();
      if (codeSource != null && codeSource.getLocation() != null) {
        try {
          return Path.of(codeSource.getLocation().toURI()).toString();
        } catch (Exception e) {
          return codeSource.getLocation().toString();
        }
      }
      return "plugin";
    }
    return StrategyDescriptor.BUILT_IN;
  }

  private static URL[] urls(List<Path> jars) {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new StrategyException("bad plugin path " + jars.get(i), e);
      }
    }
    return urls;
  }
}
