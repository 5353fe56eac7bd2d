package io.strategybench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strategybench.server.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium (Debian's {@code chromium}, which {@code scripts/test} installs) driven over the
 * DevTools protocol: it opens a page, records every request the page makes, waits for the load event and
 * evaluates an expression in it.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** What a page did: every URL it requested, and the value of the expression. */
  public record Visit(List<String> requests, String value) {}

  private final Process process;
  private final Path profile;

  private HeadlessChromium(Process process, Path profile) {
    this.process = process;
    this.profile = profile;
  }

  /** The browser binary, or null. */
  static Path binary() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  public static HeadlessChromium start() throws IOException {
    Path binary = binary();
    if (binary == null) {
      throw new IllegalStateException("no Chromium on the PATH: scripts/test installs it (Debian: apt-get install"
          + " chromium)");
    }
    Path profile = Files.createTempDirectory("strategybench-chromium");
    Process p = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
        "about:blank").redirectErrorStream(true).start();
    return new HeadlessChromium(p, profile);
  }

  /** Waits for "DevTools listening on ws://HOST:PORT/..." and returns HOST:PORT. */
  private String devtools() throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Pattern listening = Pattern.compile("DevTools listening on ws://([^/]+)/");
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = listening.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // keep the pipe from filling
            }
          } catch (IOException ignored) {
            // the browser is gone
          }
        }, "chromium-output");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
    }
    throw new IOException("Chromium did not open its DevTools port:\n" + seen);
  }

  /** Opens {@code page}, waits for its load event (and a settle delay), evaluates {@code expression}. */
  public Visit visit(Path page, String expression) throws Exception {
    String hostPort = devtools();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    JsonNode targets = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort
        + "/json/list")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
    String ws = null;
    for (JsonNode t : targets) {
      if (t.path("type").asText().equals("page")) {
        ws = t.path("webSocketDebuggerUrl").asText();
      }
    }
    if (ws == null) {
      throw new IOException("Chromium has no page target: " + targets);
    }
    List<String> requests = new CopyOnWriteArrayList<>();
    Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
    CompletableFuture<Void> loaded = new CompletableFuture<>();
    WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create(ws), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              try {
                JsonNode message = Json.MAPPER.readTree(text.toString());
                if (message.has("id")) {
                  CompletableFuture<JsonNode> reply = replies.remove(message.get("id").asInt());
                  if (reply != null) {
                    reply.complete(message);
                  }
                } else if ("Network.requestWillBeSent".equals(message.path("method").asText())) {
                  requests.add(message.path("params").path("request").path("url").asText());
                } else if ("Page.loadEventFired".equals(message.path("method").asText())) {
                  loaded.complete(null);
                }
              } catch (IOException e) {
                loaded.completeExceptionally(e);
              }
              text.setLength(0);
            }
            webSocket.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    AtomicInteger ids = new AtomicInteger();
    java.util.function.BiFunction<String, ObjectNode, JsonNode> call = (method, params) -> {
      int id = ids.incrementAndGet();
      CompletableFuture<JsonNode> reply = new CompletableFuture<>();
      replies.put(id, reply);
      ObjectNode message = Json.MAPPER.createObjectNode().put("id", id).put("method", method);
      message.set("params", params == null ? Json.MAPPER.createObjectNode() : params);
      try {
        socket.sendText(Json.MAPPER.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
        JsonNode r = reply.get(60, TimeUnit.SECONDS);
        if (r.has("error")) {
          throw new IllegalStateException(method + ": " + r.get("error"));
        }
        return r.path("result");
      } catch (Exception e) {
        throw new IllegalStateException(method + " failed", e);
      }
    };
    call.apply("Network.enable", null);
    call.apply("Page.enable", null);
    call.apply("Page.navigate", Json.MAPPER.createObjectNode().put("url", page.toUri().toString()));
    loaded.get(120, TimeUnit.SECONDS);
    Thread.sleep(500); // anything the page would fetch after its load event
    JsonNode result = call.apply("Runtime.evaluate", Json.MAPPER.createObjectNode().put("expression", expression)
        .put("returnByValue", true));
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    return new Visit(new ArrayList<>(requests), result.path("result").path("value").asText());
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
