package io.strategybench.run;

import com.fasterxml.jackson.core.type.TypeReference;
import io.strategybench.server.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The target server in a JVM of its own ({@code bench serve ... --port 0 --port-file F}), so the load
 * generator and the harness do not share its heap, JIT or threads. Started, waited for until healthy,
 * asked for its stats, stopped.
 */
public final class TargetProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path log;
  private final int port;

  private TargetProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code bench serve} with {@code serveArgs} and waits until {@code /_/health} answers 200.
   *
   * @param work folder for the port file and the log ({@code target.log})
   * @throws IOException when it exits early or does not become healthy in time; the message quotes its log
   */
  public static TargetProcess start(List<String> globalArgs, List<String> serveArgs, Path work, Duration timeout)
      throws IOException, InterruptedException {
    return start(globalArgs, serveArgs, work, timeout, 0);
  }

  /**
   * Starts {@code bench serve} as {@link #start(List, List, Path, Duration)} does, on {@code port} (0: a free one):
   * an instance started again where a killed one listened, so the front that balances over it finds it.
   */
  public static TargetProcess start(List<String> globalArgs, List<String> serveArgs, Path work, Duration timeout,
      int port) throws IOException, InterruptedException {
    Files.createDirectories(work);
    Path portFile = work.resolve("target.port");
    Files.deleteIfExists(portFile);
    Path log = work.resolve("target.log");
    List<String> args = new ArrayList<>(globalArgs);
    args.add("serve");
    args.addAll(serveArgs);
    args.addAll(List.of("--port", String.valueOf(port), "--port-file", portFile.toString()));
    // A large young generation makes young collections rare, and ParallelGC runs no thread beside the I/O
    // thread between them: on a small machine both keep collections out of the target's latency.
    // Its collections are logged (target.log), so a pause seen in the vitals can be read against them.
    List<String> jvm = List.of("-Xms1g", "-Xmx1g", "-Xmn512m", "-XX:+UseParallelGC",
        // Metaspace grows past its first threshold (about 21 MB) while the target loads its classes, which costs a
        // young and a full collection (about 250 ms) seconds into the run: start it higher
        "-XX:MetaspaceSize=128m", "-Xlog:gc:stdout:uptime");
    Process process = JavaProcess.start(JavaProcess.command(jvm, "io.strategybench.cli.Bench", args), log);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!Files.exists(portFile)) {
        if (!process.isAlive()) {
          throw new IOException("the target server exited with status " + process.exitValue() + " before listening:\n"
              + JavaProcess.tail(log, 15));
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("the target server did not listen within " + timeout.toSeconds() + " s:\n"
              + JavaProcess.tail(log, 15));
        }
        Thread.sleep(50);
      }
      int listening = Integer.parseInt(Files.readString(portFile).trim());
      TargetProcess target = new TargetProcess(process, log, listening);
      target.awaitHealthy(deadline);
      return target;
    } catch (IOException | InterruptedException | RuntimeException e) {
      JavaProcess.stop(process);
      throw e;
    }
  }

  private void awaitHealthy(long deadline) throws IOException, InterruptedException {
    while (true) {
      try {
        HttpResponse<String> response = HTTP.send(request("/_/health").GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not ready yet
      }
      if (!process.isAlive()) {
        throw new IOException("the target server exited with status " + process.exitValue() + ":\n"
            + JavaProcess.tail(log, 15));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the target server did not become healthy in time:\n" + JavaProcess.tail(log, 15));
      }
      Thread.sleep(50);
    }
  }

  /** The target's process id. */
  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** {@code GET /_/stats}. */
  public Map<String, Object> stats() throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(request("/_/stats").GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET /_/stats answered " + response.statusCode() + ": " + response.body());
    }
    return Json.MAPPER.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
  }

  /** {@code POST path} on the admin plane; returns the JSON answer. */
  public Map<String, Object> post(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return Json.MAPPER.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5));
  }

  /** Kills the process as a crash would (SIGKILL: no shutdown hook runs), and waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() {
    JavaProcess.stop(process);
  }
}
