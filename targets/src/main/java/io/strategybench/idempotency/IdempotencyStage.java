package io.strategybench.idempotency;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.strategybench.server.Exchange;
import io.strategybench.server.Stage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The order endpoint behind an {@code Idempotency-Key} header: a POST or PATCH with a key goes through the store,
 * which runs the effect (creates an order) at most as often as it promises; the answer is the stored response, a
 * replay of it ({@code Idempotent-Replayed: true}), 409 while the key's first attempt runs, 422 for the key reused
 * with another request, 400 for a missing or over-long key. Other methods go on to the next stage, or get 405 when
 * this stage is the last.
 */
public final class IdempotencyStage implements Stage {
  /** The header a replayed response carries (Stripe's). */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  /**
   * @param header the key's header ({@code Idempotency-Key})
   * @param required whether a POST or PATCH without a key is refused (400) rather than run without protection
   * @param last whether this stage answers every request (else other methods go on to the next)
   */
  public record Config(String header, boolean required, boolean last) {
    public static Config defaults() {
      return new Config("Idempotency-Key", true, true);
    }
  }

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private final IdempotencyStore store;
  private final String strategy;
  private final LedgerEffect effect;
  private final Config config;
  private final LongAdder attempts = new LongAdder();
  private final LongAdder processed = new LongAdder();
  private final LongAdder replays = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final LongAdder mismatches = new LongAdder();
  private final LongAdder badRequests = new LongAdder();
  private final LongAdder fenced = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder unprotected = new LongAdder();

  public IdempotencyStage(IdempotencyStore store, String strategy, LedgerEffect effect, Config config) {
    this.store = store;
    this.strategy = strategy;
    this.effect = effect;
    this.config = config;
  }

  @Override
  public String name() {
    return "idempotency";
  }

  @Override
  public void handle(Exchange exchange) {
    FullHttpRequest request = exchange.request();
    HttpMethod method = request.method();
    if (!method.equals(HttpMethod.POST) && !method.equals(HttpMethod.PATCH)) {
      if (config.last()) {
        FullHttpResponse response = json(HttpResponseStatus.METHOD_NOT_ALLOWED,
            "{\"error\":\"this endpoint takes POST or PATCH with an " + config.header() + " header\"}");
        response.headers().set(HttpHeaderNames.ALLOW, "POST, PATCH");
        exchange.respond(response);
      } else {
        exchange.proceed();
      }
      return;
    }
    String key = key(request.headers().get(config.header()));
    if (key == null || key.length() > Attempt.MAX_KEY_LENGTH) {
      if (key == null && !config.required()) {
        unprotected.increment();
        effect.apply("", 0).whenComplete((r, e) -> exchange.eventLoop().execute(() ->
            answer(exchange, r != null ? new Outcome.Processed(r) : new Outcome.Failed(String.valueOf(e)))));
        return;
      }
      badRequests.increment();
      exchange.respond(json(HttpResponseStatus.BAD_REQUEST, key == null
          ? "{\"error\":\"the " + config.header() + " header is required on " + method + "\"}"
          : "{\"error\":\"the " + config.header() + " header has " + key.length() + " characters; at most "
              + Attempt.MAX_KEY_LENGTH + "\"}"));
      return;
    }
    attempts.increment();
    Attempt attempt = new Attempt(key, fingerprint(request));
    store.execute(attempt, effect).whenComplete((outcome, error) -> {
      Outcome o = error != null ? new Outcome.Failed(String.valueOf(error.getMessage())) : outcome;
      if (exchange.eventLoop().inEventLoop()) {
        answer(exchange, o);
      } else {
        exchange.eventLoop().execute(() -> answer(exchange, o));
      }
    });
  }

  /** The key as sent: a bare token (Stripe) or a structured-field string in quotes (the draft); null when empty. */
  static String key(String header) {
    if (header == null) {
      return null;
    }
    String k = header.trim();
    if (k.length() >= 2 && k.startsWith("\"") && k.endsWith("\"")) {
      k = k.substring(1, k.length() - 1);
    }
    return k.isEmpty() ? null : k;
  }

  /** SHA-256 of the method, the target and the body: what makes two requests with one key the same request. */
  static String fingerprint(FullHttpRequest request) {
    MessageDigest digest = SHA256.get();
    digest.reset();
    digest.update((request.method().name() + " " + request.uri() + "\n").getBytes(StandardCharsets.UTF_8));
    digest.update(ByteBufUtil.getBytes(request.content()));
    return HexFormat.of().formatHex(digest.digest());
  }

  private void answer(Exchange exchange, Outcome outcome) {
    if (exchange.isDone()) {
      return;
    }
    if (outcome instanceof Outcome.Processed p) {
      processed.increment();
      exchange.respond(stored(p.response(), false));
    } else if (outcome instanceof Outcome.Replayed r) {
      replays.increment();
      exchange.respond(stored(r.response(), true));
    } else if (outcome instanceof Outcome.InFlight) {
      conflicts.increment();
      FullHttpResponse response = json(HttpResponseStatus.CONFLICT,
          "{\"error\":\"a request with this key is being processed; retry later\"}");
      response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      exchange.respond(response);
    } else if (outcome instanceof Outcome.Mismatch) {
      mismatches.increment();
      exchange.respond(json(HttpResponseStatus.UNPROCESSABLE_ENTITY,
          "{\"error\":\"this key was used with a different request\"}"));
    } else if (outcome instanceof Outcome.Fenced) {
      fenced.increment();
      exchange.respond(json(HttpResponseStatus.CONFLICT,
          "{\"error\":\"this request's hold on its key expired and another took it; retry later\"}"));
    } else if (outcome instanceof Outcome.Crashed) {
      exchange.abort();
    } else {
      failures.increment();
      exchange.respond(json(HttpResponseStatus.SERVICE_UNAVAILABLE,
          "{\"error\":\"the idempotency store cannot answer\"}"));
    }
  }

  private static FullHttpResponse stored(StoredResponse r, boolean replayed) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    if (replayed) {
      response.headers().set(REPLAYED_HEADER, "true");
    }
    return response;
  }

  private static FullHttpResponse json(HttpResponseStatus status, String body) {
    return stored(new StoredResponse(status.code(), body.getBytes(StandardCharsets.UTF_8)), false);
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("strategy", strategy);
    s.put("attempts", attempts.sum());
    s.put("processed", processed.sum());
    s.put("replays", replays.sum());
    s.put("conflicts409", conflicts.sum());
    s.put("mismatches422", mismatches.sum());
    s.put("badRequests400", badRequests.sum());
    s.put("fenced", fenced.sum());
    s.put("failures503", failures.sum());
    s.put("unprotected", unprotected.sum());
    OrderLedger.Counts c = effect.ledger().counts();
    s.put("effects", c.effects());
    s.put("keysWithEffects", c.keys());
    s.put("duplicates", c.duplicates());
    s.put("fencedOut", c.fencedOut());
    s.put("store", store.stats());
    return s;
  }

  @Override
  public void reset() {
    for (LongAdder a : new LongAdder[] {attempts, processed, replays, conflicts, mismatches, badRequests, fenced,
        failures, unprotected}) {
      a.reset();
    }
  }

  @Override
  public void close() {
    store.close();
    effect.ledger().close();
  }
}
