package io.strategybench.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A Server-Sent Events stream read frame by frame with the JDK's HTTP client, as a test's subscriber. */
final class SseStream implements AutoCloseable {
  private final BufferedReader reader;
  private final InputStream body;

  SseStream(HttpResponse<InputStream> response) {
    this.body = response.body();
    this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
  }

  /** {@code GET uri} with {@code headers} (name, value, ...); asserts a 200 event stream. */
  static SseStream open(HttpClient http, URI uri, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    return new SseStream(r);
  }

  /** The next frame's fields ({@code id}, {@code data}, {@code retry}), comments skipped. */
  Map<String, String> next() throws Exception {
    Map<String, String> fields = new LinkedHashMap<>();
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (!fields.isEmpty()) {
          return fields;
        }
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
    }
    throw new AssertionError("the stream ended; fields so far: " + fields);
  }

  /** The next event frame (its id checked against the event's). */
  Event event() throws Exception {
    Map<String, String> f = next();
    Event e = Event.fromJson(f.get("data"));
    assertThat(f.get("id")).isEqualTo(e.id());
    return e;
  }

  @Override
  public void close() throws Exception {
    body.close();
  }
}
