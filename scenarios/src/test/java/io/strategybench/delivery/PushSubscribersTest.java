package io.strategybench.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The event-stream client of the push subscribers, against a real HTTP server (the JDK's) writing the stream. */
class PushSubscribersTest {
  private static final int MAX_MESSAGE = 65_536;

  private static String event(long seq, String data) {
    return "{\"id\":\"" + seq + "\",\"seq\":" + seq + ",\"published\":" + (1000 + seq) + ",\"data\":\"" + data
        + "\"}";
  }

  @Test
  void readsLinesLongerThanItsFirstBufferSkipsOverlongOnesAndResumesAfterTheLastId() throws Exception {
    List<String> lastEventIds = new CopyOnWriteArrayList<>();
    CountDownLatch resumed = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/events", exchange -> {
      String last = exchange.getRequestHeaders().getFirst("Last-Event-ID");
      lastEventIds.add(last == null ? "" : last);
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        if (last != null) {
          resumed.countDown();
          out.flush();
          done.await(20, TimeUnit.SECONDS); // the resumed stream stays open until the test ends
          return;
        }
        StringBuilder s = new StringBuilder("retry: 100\n\n");
        s.append("id: 1\r\ndata: ").append(event(1, "x")).append("\r\n\r\n");
        s.append(": heartbeat\n\n");
        // 40 000 characters: the line buffer grows from its first 256 bytes
        s.append("id: 2\ndata: ").append(event(2, "y".repeat(40_000))).append("\n\n");
        // longer than the bound: skipped, and the event is a gap, not a crash
        s.append("id: 3\ndata: ").append(event(3, "z".repeat(MAX_MESSAGE + 100))).append("\n\n");
        s.append("id: 4\ndata: ").append(event(4, "w")).append("\n\n");
        out.write(s.toString().getBytes(StandardCharsets.UTF_8));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the client went away
      }
    });
    server.start();
    DeliveryRecorder recorder = new DeliveryRecorder(1);
    recorder.measuredPhaseStarts(1);
    for (long seq = 1; seq <= 4; seq++) {
      recorder.published(seq);
    }
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    try (PushSubscribers subscribers = new PushSubscribers(PushSubscribers.Kind.SSE, recorder, List.of(base), 50,
        MAX_MESSAGE, 1)) {
      subscribers.start(0);
      assertThat(resumed.await(20, TimeUnit.SECONDS)).as("the subscriber reconnected after the stream ended").isTrue();
    } finally {
      done.countDown();
      server.stop(0);
    }
    DeliveryRecorder.Summary s = recorder.summary(1);
    recorder.close();
    assertThat(s.delivered()).containsExactly(3);
    assertThat(s.gaps()).containsExactly(1);
    assertThat(s.duplicates()).containsExactly(0);
    assertThat(s.messages()).isEqualTo(3);
    assertThat(lastEventIds).as("the resume names the last id seen, the skipped event's id included")
        .startsWith("", "4");
  }
}
