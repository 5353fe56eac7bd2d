package io.strategybench.idempotency.postgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on a free loopback port, for tests and for the benchmark harness: a new cluster
 * ({@code initdb}) in its own temporary directory, started with {@code pg_ctl}, listening on 127.0.0.1 only (and a
 * Unix socket in that directory), {@code fsync=off} (nothing here must survive a machine crash), trust
 * authentication for the {@code postgres} user, and one database for the run, {@value #DATABASE}.
 *
 * <p>PostgreSQL refuses to run as root: when this JVM is root, the directory is given to the {@code postgres}
 * user and {@code initdb} and {@code pg_ctl} run as that user through {@code runuser}. The binaries are Debian's,
 * under {@code /usr/lib/postgresql/VERSION/bin} (the highest version), or the directory of {@code pg_ctl} on the
 * PATH.
 *
 * <p>{@link #close()} stops the server ({@code pg_ctl stop -m immediate}, as a crash would) and deletes the
 * directory. Every server still running when the JVM exits is stopped by a shutdown hook.
 */
public final class PostgresServerProcess implements AutoCloseable {
  /** The message when the binaries are missing. */
  public static final String NOT_INSTALLED = "PostgreSQL is not installed: no initdb and pg_ctl under"
      + " /usr/lib/postgresql/*/bin nor on the PATH (Debian: apt-get install postgresql; scripts/test installs it)";

  /** The database created for the run. */
  public static final String DATABASE = "strategybench";

  /** The superuser of the cluster (trust authentication, no password). */
  public static final String USER = "postgres";

  private static final long START_TIMEOUT_MILLIS = 30_000;
  private static final long STOP_TIMEOUT_MILLIS = 30_000;
  private static final Set<PostgresServerProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(PostgresServerProcess::stopQuietly),
        "postgres-reaper"));
  }

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;
  private final boolean asPostgres;
  private boolean running;

  private PostgresServerProcess(Path bin, Path dir, int port, boolean asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /**
   * Creates a cluster in a new temporary directory, starts it on a free loopback port, waits until it accepts
   * connections (at most 30 s) and creates the database {@value #DATABASE}.
   *
   * @throws IllegalStateException when PostgreSQL is not installed or does not come up (with its log)
   */
  public static PostgresServerProcess launch() {
    Path bin = findBinaries();
    boolean root = isRoot();
    Path dir;
    try {
      dir = Files.createTempDirectory("strategybench-pg-");
      if (root) {
        UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
        Files.setOwner(dir, postgres);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a directory for PostgreSQL"
          + (root ? " owned by the user '" + USER + "' (does it exist? apt-get install postgresql creates it)" : "")
          + ": " + e, e);
    }
    PostgresServerProcess server = new PostgresServerProcess(bin, dir, freePort(), root);
    try {
      server.initdb();
      server.start();
      server.createDatabase();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void initdb() {
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", USER, "-E", "UTF8",
        "--locale=C", "--no-sync"), "initdb", START_TIMEOUT_MILLIS);
    String conf = String.join("\n",
        "",
        "# strategybench: a throwaway test server",
        "listen_addresses = '127.0.0.1'",
        "port = " + port,
        "unix_socket_directories = '" + dir + "'",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "max_connections = 200",
        "shared_buffers = 32MB",
        "");
    try {
      Files.writeString(data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot configure PostgreSQL in " + data, e);
    }
  }

  private synchronized void start() {
    LIVE.add(this);
    running = true;
    run(List.of(bin.resolve("pg_ctl").toString(), "start", "-D", data.toString(), "-l", log().toString(), "-w",
        "-t", Long.toString(START_TIMEOUT_MILLIS / 1000)), "pg_ctl start", START_TIMEOUT_MILLIS + 5_000);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      try (Connection c = connect("postgres")) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      sleep(50);
    }
    throw new IllegalStateException("PostgreSQL on port " + port + " did not accept connections within "
        + START_TIMEOUT_MILLIS + " ms (" + last + "); its log:\n" + readLog());
  }

  private void createDatabase() {
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the database " + DATABASE + " on port " + port + ": " + e, e);
    }
  }

  private Connection connect(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("connectTimeout", "2");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
  }

  /** Stops the server at once ({@code -m immediate}: no checkpoint, as a crash would). */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    try {
      run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "immediate", "-w",
          "-t", Long.toString(STOP_TIMEOUT_MILLIS / 1000)), "pg_ctl stop", STOP_TIMEOUT_MILLIS + 5_000);
    } finally {
      running = false;
      LIVE.remove(this);
    }
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException ignored) {
      // the JVM is exiting: nothing more to do
    }
  }

  public int port() {
    return port;
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/strategybench}. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  /**
   * The server's main process (the postmaster, from {@code postmaster.pid}): {@code pg_ctl} starts it detached, so
   * a caller that must stop it when it dies itself (a run killed with SIGKILL) watches this process.
   */
  public java.util.Optional<ProcessHandle> postmaster() {
    try {
      java.util.List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
      return lines.isEmpty() ? java.util.Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  /** The user to connect as ({@value #USER}, no password). */
  public String user() {
    return USER;
  }

  /** What the server wrote to its log so far. */
  public String readLog() {
    try {
      return Files.exists(log()) ? Files.readString(log(), StandardCharsets.UTF_8) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private Path log() {
    return dir.resolve("postgres.log");
  }

  /** Stops the server and deletes its directory. */
  @Override
  public void close() {
    try {
      stop();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temporary directory left behind is harmless
      }
    }
  }

  /** Runs a PostgreSQL program (as {@code postgres} when this JVM is root); fails with its output. */
  private void run(List<String> command, String what, long timeoutMillis) {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", USER, "--"));
    }
    full.addAll(command);
    Path output;
    try {
      output = Files.createTempFile("strategybench-pg-cmd-", ".out");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Process process = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(what + " did not finish within " + timeoutMillis + " ms: "
            + Files.readString(output) + "\nserver log:\n" + readLog());
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(what + " exited with code " + process.exitValue() + " (" + String.join(" ",
            full) + "):\n" + Files.readString(output) + "\nserver log:\n" + readLog());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + what + " (" + String.join(" ", full) + "): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + what, e);
    } finally {
      try {
        Files.deleteIfExists(output);
      } catch (IOException ignored) {
        // harmless
      }
    }
  }

  /** The directory of initdb and pg_ctl: the highest /usr/lib/postgresql/VERSION/bin, else pg_ctl's on the PATH. */
  static Path findBinaries() {
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Path best = versions.filter(v -> hasBinaries(v.resolve("bin")))
            .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
            .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
            .orElse(null);
        if (best != null) {
          return best.resolve("bin");
        }
      } catch (IOException ignored) {
        // fall through to the PATH
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        if (!entry.isBlank() && hasBinaries(Path.of(entry))) {
          return Path.of(entry);
        }
      }
    }
    throw new IllegalStateException(NOT_INSTALLED);
  }

  private static boolean hasBinaries(Path bin) {
    return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"));
  }

  private static boolean isRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
    }
  }
}
