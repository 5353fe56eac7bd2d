package io.strategybench.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where a run ran: JVM, CPUs, OS, StrategyBench version and git revision. */
public final class Environment {
  private Environment() {}

  public static Map<String, Object> capture(Path home) {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("strategybenchVersion", version());
    env.put("gitRevision", git(home, "rev-parse", "--short=12", "HEAD"));
    String status = git(home, "status", "--porcelain", "--untracked-files=no");
    env.put("gitDirty", status == null ? null : !status.isBlank());
    env.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    env.put("javaVersion", System.getProperty("java.version"));
    env.put("javaVendor", System.getProperty("java.vendor"));
    env.put("cpus", Runtime.getRuntime().availableProcessors());
    env.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    env.put("arch", System.getProperty("os.arch"));
    return env;
  }

  static String version() {
    String version = Environment.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  private static String git(Path home, String... args) {
    try {
      String[] command = new String[args.length + 3];
      command[0] = "git";
      command[1] = "-C";
      command[2] = home.toString();
      System.arraycopy(args, 0, command, 3, args.length);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(3, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        return null;
      }
      return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
