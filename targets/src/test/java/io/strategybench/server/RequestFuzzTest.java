package io.strategybench.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.lb.RoundRobin;
import io.strategybench.testing.TestTarget;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fuzzing pass over the request path, with a fixed seed so a failure is reproduced by running it again:
 * valid requests mutated (bytes flipped, interesting bytes inserted, pieces deleted, doubled or cut off), each
 * sent on its own connection. Every one must end in a well-formed response with a status the target is meant to
 * give, or a closed connection, or wait for the rest of a request that was cut short; no buffer may leak
 * (the build runs with paranoid leak detection, checked after the class); and the target must still serve.
 */
class RequestFuzzTest {
  private static final long SEED = 20261203L;
  private static final int CASES = 400;
  private static final Set<Integer> MEANT = Set.of(200, 204, 400, 403, 404, 405, 413, 414, 431, 501, 502, 503, 505);
  private static final byte[] INTERESTING = {0, 1, '\r', '\n', ' ', '\t', ':', ',', 0x7f, (byte) 0xff, '0', '/',
      '%', '"', 'a', 'Z'};
  private static final List<String> SEEDS = List.of(
      "GET /item/1 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /a/b?c=d&e=%20 HTTP/1.1\r\nHost: x\r\nX-Session: s1\r\nCookie: SESSIONID=a\r\n\r\n",
      "POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world",
      "PUT /k/7 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "HEAD / HTTP/1.0\r\n\r\n",
      "GET /_/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
      "GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n");

  private TestTarget target;

  @AfterEach
  void stop() {
    if (target != null) {
      target.close();
    }
  }

  @Test
  void mutatedRequestsEndInAMeantAnswerOrACloseAndTheTargetKeepsServing() throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(2, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    SplittableRandom random = new SplittableRandom(SEED);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < CASES; i++) {
      byte[] request = mutate(SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.ISO_8859_1), random);
      String outcome = send(request);
      assertThat(outcome).as("case %d of seed %d: %s", i, SEED, printable(request)).doesNotStartWith("bad:");
      outcomes.merge(outcome, 1, Integer::sum);
    }
    System.out.println("request fuzz, seed " + SEED + ", " + CASES + " cases: " + outcomes);
    assertThat(outcomes.keySet()).as("the fuzz reached both accepted and refused requests: " + outcomes)
        .contains("200", "400");
    assertThat(target.get("/after").statusCode()).isEqualTo(200);
    JsonNode stats = Json.MAPPER.readTree(target.get("/_/stats").body());
    assertThat(stats.get("connections").get("open").asInt()).as("connections left open").isLessThanOrEqualTo(2);
  }

  /** The status of the first answer, "closed" when the target closed without one, "bad: ..." otherwise. */
  private String send(byte[] request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", target.server().port())) {
      socket.setSoTimeout(150); // a request cut short waits for its rest; a slower answer only counts as waiting
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0) {
        head.write(c);
        if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          break;
        }
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      if (text.isEmpty()) {
        return "closed";
      }
      if (!text.matches("(?s)HTTP/1\\.1 \\d{3} [^\r\n]*\r\n(.*\r\n)?\r\n")) {
        return "bad: not a response head: " + printable(head.toByteArray());
      }
      int status = Integer.parseInt(text.substring(9, 12));
      if (status == 100) {
        return "100";
      }
      return MEANT.contains(status) ? String.valueOf(status) : "bad: status " + status;
    } catch (SocketTimeoutException e) {
      return "waiting"; // for the rest of a request cut short: the idle timeout closes it
    } catch (java.io.IOException e) {
      return "closed"; // reset by the target: a refusal without an answer
    }
  }

  private static byte[] mutate(byte[] bytes, SplittableRandom random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] current = bytes;
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      out.reset();
      int at = random.nextInt(current.length + 1);
      switch (random.nextInt(5)) {
        case 0 -> { // flip a byte
          out.write(current, 0, current.length);
          byte[] copy = out.toByteArray();
          if (at < copy.length) {
            copy[at] ^= (byte) (1 << random.nextInt(8));
          }
          current = copy;
          continue;
        }
        case 1 -> { // insert an interesting byte
          out.write(current, 0, at);
          out.write(INTERESTING[random.nextInt(INTERESTING.length)]);
          out.write(current, at, current.length - at);
        }
        case 2 -> { // delete a piece
          int length = Math.min(current.length - at, 1 + random.nextInt(8));
          out.write(current, 0, at);
          out.write(current, at + length, current.length - at - length);
        }
        case 3 -> { // double a piece
          int length = Math.min(current.length - at, 1 + random.nextInt(16));
          out.write(current, 0, at + length);
          out.write(current, at, current.length - at);
        }
        default -> out.write(current, 0, at); // cut off
      }
      current = out.toByteArray();
    }
    return current;
  }

  private static String printable(byte[] bytes) {
    return RequestRules.printable(new String(bytes, StandardCharsets.ISO_8859_1)).replace("\\x0d\\x0a", "\\r\\n");
  }
}
