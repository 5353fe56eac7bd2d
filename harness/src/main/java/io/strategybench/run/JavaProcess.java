package io.strategybench.run;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts JVMs that run StrategyBench's own classes (same class path, same Java), and stops whatever is still
 * running when the harness itself is stopped: a forked target or Gatling never outlives an interrupted run, nor
 * (through {@link ParentDeathWatch}) one killed with {@code kill -9}.
 */
public final class JavaProcess {
  private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static volatile boolean stopping;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping = true;
      RUNNING.forEach(Process::destroy);
    }, "stop-children"));
  }

  private JavaProcess() {}

  static List<String> command(List<String> jvmArgs, String mainClass, List<String> args) {
    return command(jvmArgs, List.of(), mainClass, args);
  }

  /**
   * The command of a JVM running {@code mainClass}, with {@code firstOnClassPath} (plugin jars) before StrategyBench's
   * own class path: their classes load, and their resources ({@code META-INF/BenchmarkList}) are found first.
   */
  public static List<String> command(List<String> jvmArgs, List<Path> firstOnClassPath, String mainClass,
      List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-Dstrategybench.home=" + System.getProperty("strategybench.home", "."));
    command.add("-cp");
    List<String> path = new ArrayList<>();
    firstOnClassPath.forEach(p -> path.add(p.toAbsolutePath().toString()));
    path.add(System.getProperty("java.class.path"));
    command.add(String.join(java.io.File.pathSeparator, path));
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  public static Process start(List<String> command, Path log) throws IOException {
    if (stopping) {
      throw new IOException("not starting " + command.get(command.size() - 1) + ": shutting down");
    }
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
        .start();
    RUNNING.add(process);
    process.onExit().thenRun(() -> RUNNING.remove(process));
    ParentDeathWatch.guard(process.toHandle()); // the hook above stops it, unless this JVM is killed
    if (stopping) {
      process.destroy(); // shutdown began while it started
    }
    return process;
  }

  /** The last lines of a log, for error messages. */
  public static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static String classPathSeparator() {
    return File.pathSeparator;
  }
}
