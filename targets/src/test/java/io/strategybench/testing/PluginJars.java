package io.strategybench.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds plugin jars on disk the way a user would: compiles Java sources against StrategyBench's classes
 * with the JDK's compiler and packs the classes with their {@code META-INF/services} files. The jar is
 * then loaded from outside the class path.
 */
public final class PluginJars {
  private PluginJars() {}

  /**
   * @param sources source files by path relative to the source root ({@code com/example/X.java})
   * @param services service file name to its lines
   */
  public static Path build(Path jar, Map<String, String> sources, Map<String, String> services) throws IOException {
    Path work = Files.createTempDirectory("plugin-build");
    Path src = work.resolve("src");
    Path classes = work.resolve("classes");
    Files.createDirectories(classes);
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        "--release", "17", "-proc:none"));
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      args.add(file.toString());
    }
    return compileAndPack(jar, classes, args, services);
  }

  /** Compiles every {@code .java} under {@code sourceRoot} and packs it with the services under {@code resources}. */
  public static Path buildFromTree(Path jar, Path sourceRoot, Path resources) throws IOException {
    return buildFromTree(jar, sourceRoot, resources, null);
  }

  /**
   * As {@link #buildFromTree(Path, Path, Path)}, running the annotation processor {@code processor} (JMH's
   * {@code org.openjdk.jmh.generators.BenchmarkProcessor}, for a plugin with a benchmark) from the class path; null
   * runs none.
   */
  public static Path buildFromTree(Path jar, Path sourceRoot, Path resources, String processor) throws IOException {
    Path classes = Files.createTempDirectory("plugin-classes");
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        "--release", "17"));
    if (processor == null) {
      args.add("-proc:none");
    } else {
      args.addAll(List.of("-processor", processor, "-processorpath", System.getProperty("java.class.path")));
    }
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    if (resources != null && Files.isDirectory(resources)) {
      try (Stream<Path> files = Files.walk(resources)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          Path target = classes.resolve(resources.relativize(p).toString());
          Files.createDirectories(target.getParent());
          Files.copy(p, target);
        }
      }
    }
    return compileAndPack(jar, classes, args, Map.of());
  }

  private static Path compileAndPack(Path jar, Path classes, List<String> args, Map<String, String> services)
      throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
    int status = compiler.run(null, errors, errors, args.toArray(new String[0]));
    if (status != 0) {
      throw new IllegalStateException("plugin sources do not compile:\n" + errors.toString(StandardCharsets.UTF_8));
    }
    Files.createDirectories(jar.toAbsolutePath().getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      try (Stream<Path> files = Files.walk(classes)) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
          Files.copy(file, out);
          out.closeEntry();
        }
      }
      for (Map.Entry<String, String> service : services.entrySet()) {
        out.putNextEntry(new JarEntry("META-INF/services/" + service.getKey()));
        OutputStream o = out;
        o.write(service.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }
}
