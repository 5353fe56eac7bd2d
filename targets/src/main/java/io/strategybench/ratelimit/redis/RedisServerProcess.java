package io.strategybench.ratelimit.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process on a free loopback port, for tests and for the benchmark harness:
 * no persistence ({@code --save "" --appendonly no}), its own temporary directory and log file.
 *
 * <p>{@link #stop()} kills the process (as a crash would) and waits for it; {@link #start()} starts it again
 * on the same port, with empty memory, to exercise failure and recovery. Every process still running when
 * the JVM exits is killed by a shutdown hook.
 */
public final class RedisServerProcess implements AutoCloseable {
  /** The message when the binary is missing. */
  public static final String NOT_INSTALLED =
      "redis-server is not installed (Debian: apt-get install redis-server; scripts/test installs it)";

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final long START_TIMEOUT_MILLIS = 10_000;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
        "redis-server-reaper"));
  }

  private final Path binary;
  private final int port;
  private final Path dir;
  private Process process;

  private RedisServerProcess(Path binary, int port, Path dir) {
    this.binary = binary;
    this.port = port;
    this.dir = dir;
  }

  /**
   * Starts a new server on a free loopback port and waits until it answers PING.
   *
   * @throws IllegalStateException when redis-server is not installed or does not come up
   */
  public static RedisServerProcess launch() {
    Path binary = findBinary();
    Path dir;
    try {
      dir = Files.createTempDirectory("strategybench-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for redis-server", e);
    }
    RedisServerProcess server = new RedisServerProcess(binary, freePort(), dir);
    server.start();
    return server;
  }

  /** Starts the server (again) on the same port; a no-op when it runs. */
  public synchronized RedisServerProcess start() {
    if (process != null && process.isAlive()) {
      return this;
    }
    Path log = dir.resolve("redis.log");
    ProcessBuilder builder = new ProcessBuilder(List.of(binary.toString(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--daemonize", "no", "--dir", dir.toString(), "--protected-mode", "yes"))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
    }
    LIVE.add(process);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (!answersPing()) {
      if (!process.isAlive()) {
        LIVE.remove(process);
        throw new IllegalStateException("redis-server on port " + port + " exited with code "
            + process.exitValue() + "; its log:\n" + readLog());
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
            + START_TIMEOUT_MILLIS + " ms; its log:\n" + readLog());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while waiting for redis-server", e);
      }
    }
    // Another server that took the port first would answer PING too, while ours exits at once ("address in
    // use"): make sure the one that answered is still ours.
    try {
      if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
        LIVE.remove(process);
        throw new IllegalStateException("redis-server on port " + port + " exited with code "
            + process.exitValue() + " (another server has the port?); its log:\n" + readLog());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("interrupted while waiting for redis-server", e);
    }
    return this;
  }

  /** Kills the server, as a crash would, and waits until it is gone. The port stays reserved for {@link #start()}. */
  public synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server on port " + port + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      LIVE.remove(p);
      process = null;
    }
  }

  /** Whether the process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** What the server wrote to its log so far. */
  public String readLog() {
    try {
      Path log = dir.resolve("redis.log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Stops the server and deletes its directory. */
  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64];
      int n = in.read(buffer);
      return n > 0 && new String(buffer, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private static Path findBinary() {
    Path found = locate();
    if (found == null) {
      throw new IllegalStateException(NOT_INSTALLED);
    }
    return found;
  }

  private static Path locate() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path candidate = Path.of(entry, "redis-server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    }
  }
}
