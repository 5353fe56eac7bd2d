package com.example.strategybench.retry;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.strategybench.backend.ServiceTime;
import io.strategybench.backend.SimulatedBackend;
import io.strategybench.backend.SimulatedBackendSpec;
import io.strategybench.server.Exchange;
import io.strategybench.server.Stage;
import io.strategybench.server.StageContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The retry stage: answers each request by calling its upstream, retrying a failed call (5xx, a refused connection,
 * a timeout) as the policy says, on the exchange's event loop (a wait is a scheduled task, never a blocked thread).
 * The upstream is a server of its own that sheds load when full ({@link SimulatedBackend}: {@code capacity} calls
 * at once, {@code queue} waiting, 503 beyond), so the stage shows what a policy does to a server that is already
 * overloaded. Every upstream call has a timeout. The answer carries {@code x-attempts}.
 */
public final class RetryStage implements Stage {
  /** Most attempts counted apart in {@code attempts}; more are counted in the last bucket. */
  private static final int ATTEMPT_BUCKETS = 16;

  /**
   * @param upstreamCapacity calls the upstream serves at once
   * @param upstreamQueue calls waiting beyond that; more get 503
   * @param upstreamTime the upstream's service time ({@code exp:5ms})
   * @param timeoutNanos how long one upstream call may take before it counts as failed
   */
  public record Config(int upstreamCapacity, int upstreamQueue, ServiceTime upstreamTime, long timeoutNanos) {}

  private final RetryPolicy policy;
  private final String strategyName;
  private final Config config;
  private final HttpClient client;
  private final LongAdder requests = new LongAdder();
  private final LongAdder calls = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder gaveUp = new LongAdder();
  private final LongAdder waitedMicros = new LongAdder();
  private final AtomicLongArray attempts = new AtomicLongArray(ATTEMPT_BUCKETS + 1);
  private SimulatedBackend upstream;
  private URI base;

  public RetryStage(RetryPolicy policy, String strategyName, Config config) {
    this.policy = policy;
    this.strategyName = strategyName;
    this.config = config;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofNanos(config.timeoutNanos())).build();
  }

  @Override
  public String name() {
    return "retry";
  }

  @Override
  public void start(StageContext context) {
    SimulatedBackendSpec spec = new SimulatedBackendSpec("upstream", 1, config.upstreamTime(),
        config.upstreamCapacity(), config.upstreamQueue(), 256, List.of());
    try {
      upstream = new SimulatedBackend(spec, context.ioGroup(), context.transport().serverChannel(), "127.0.0.1")
          .start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the retry stage's upstream", e);
    }
    base = URI.create("http://127.0.0.1:" + upstream.address().getPort());
  }

  @Override
  public void handle(Exchange exchange) {
    requests.increment();
    String path = exchange.request().uri();
    attempt(exchange, URI.create(base + (path.startsWith("/") ? path : "/" + path)), 0, 0,
        new SplittableRandom(System.nanoTime()));
  }

  private void attempt(Exchange exchange, URI uri, int retry, long previousDelay, SplittableRandom random) {
    if (exchange.isDone()) {
      return;
    }
    calls.increment();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(config.timeoutNanos())).GET().build();
    client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) ->
        exchange.eventLoop().execute(() -> {
          boolean failed = failure != null || response.statusCode() >= 500;
          if (!failed) {
            succeeded.increment();
            count(retry + 1);
            answer(exchange, response.statusCode(), response.body(), retry + 1);
            return;
          }
          long delay = policy.delayMicros(retry + 1, previousDelay, random);
          if (delay < 0) {
            gaveUp.increment();
            count(retry + 1);
            String why = failure != null ? failure.getClass().getSimpleName() : "status " + response.statusCode();
            answer(exchange, 503, ("503 Service Unavailable: gave up after " + (retry + 1) + " attempt(s), the last "
                + why + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), retry + 1);
            return;
          }
          retries.increment();
          waitedMicros.add(delay);
          exchange.eventLoop().schedule(() -> attempt(exchange, uri, retry + 1, delay, random), delay,
              TimeUnit.MICROSECONDS);
        }));
  }

  private void count(int attemptsMade) {
    attempts.incrementAndGet(Math.min(attemptsMade, ATTEMPT_BUCKETS));
  }

  private static void answer(Exchange exchange, int status, byte[] body, int attemptsMade) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
    response.headers().set("x-attempts", attemptsMade);
    exchange.respond(response);
  }

  @Override
  public Map<String, Object> stats() {
    long n = requests.sum();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("strategy", strategyName);
    out.put("requests", n);
    out.put("upstreamCalls", calls.sum());
    out.put("retries", retries.sum());
    out.put("succeeded", succeeded.sum());
    out.put("gaveUp", gaveUp.sum());
    out.put("callsPerRequest", n == 0 ? 0.0 : Math.round(calls.sum() * 1000.0 / n) / 1000.0);
    out.put("meanWaitMillis", retries.sum() == 0 ? 0.0
        : Math.round(waitedMicros.sum() / (double) retries.sum()) / 1000.0);
    out.put("upstreamShed", upstream == null ? 0 : upstream.shed());
    Map<String, Object> byAttempts = new LinkedHashMap<>();
    for (int i = 1; i <= ATTEMPT_BUCKETS; i++) {
      if (attempts.get(i) > 0) {
        byAttempts.put(i == ATTEMPT_BUCKETS ? i + "+" : String.valueOf(i), attempts.get(i));
      }
    }
    out.put("attempts", byAttempts);
    return out;
  }

  @Override
  public void reset() {
    for (LongAdder a : List.of(requests, calls, retries, succeeded, gaveUp, waitedMicros)) {
      a.reset();
    }
    for (int i = 0; i < attempts.length(); i++) {
      attempts.set(i, 0);
    }
    if (upstream != null) {
      upstream.resetCounters();
    }
  }

  @Override
  public void close() {
    if (upstream != null) {
      upstream.close();
    }
  }
}
