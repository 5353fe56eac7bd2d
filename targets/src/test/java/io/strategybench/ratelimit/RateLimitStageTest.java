package io.strategybench.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.strategybench.TestFamilies;
import io.strategybench.server.Exchange;
import io.strategybench.server.Json;
import io.strategybench.server.Stage;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import io.strategybench.testing.TestTarget;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitStageTest {
  private static final StrategyRegistry REGISTRY = StrategyRegistry.load(TestFamilies.all(), List.of());
  private TestTarget target;
  /** Whose X-Forwarded-For and X-Plan the stage believes; nobody's unless a test says otherwise. */
  private ClientTrust trust = ClientTrust.NONE;

  @AfterEach
  void stop() {
    if (target != null) {
      target.close();
    }
  }

  /** The stage behind the limiter: answers 200, after X-Delay-Ms milliseconds when the request asks. */
  static final class Origin implements Stage {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final AtomicInteger served = new AtomicInteger();

    @Override
    public String name() {
      return "origin";
    }

    @Override
    public void handle(Exchange exchange) {
      served.incrementAndGet();
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      String delay = exchange.request().headers().get("X-Delay-Ms");
      if (delay == null) {
        inFlight.decrementAndGet();
        exchange.respond(HttpResponseStatus.OK, "ok\n");
      } else {
        exchange.eventLoop().schedule(() -> {
          inFlight.decrementAndGet();
          exchange.respond(HttpResponseStatus.OK, "ok\n");
        }, Long.parseLong(delay), TimeUnit.MILLISECONDS);
      }
    }
  }

  private Origin start(String strategy, Map<String, String> params, RateLimitStage.Throttle throttle, long maxWaitMillis,
      String... rules) throws InterruptedException {
    List<RateLimitRule> parsed = new ArrayList<>();
    for (int i = 0; i < rules.length; i++) {
      parsed.add(RateLimitRule.parse(rules[i], i + 1, 100, 1000));
    }
    RateLimitStage.Config config = new RateLimitStage.Config(parsed, new KeySource.Header("X-Plan"), "free", throttle,
        TimeUnit.MILLISECONDS.toNanos(maxWaitMillis), 100, "X-Client-Class", trust, null);
    RateLimitStage stage = new RateLimitStage(strategy, config,
        RuleLimiters.factory(REGISTRY.strategy(RateLimiter.FAMILY, strategy), params, StrategyContext.system()));
    Origin origin = new Origin();
    target = TestTarget.start(List.of(stage, origin), "ratelimit");
    return origin;
  }

  private JsonNode stats() throws Exception {
    return Json.MAPPER.readTree(target.get("/_/stats").body()).get("stages").get("ratelimit");
  }

  @Test
  void overTheLimitAClientGets429WithRetryAfterAndRateLimitHeaders() throws Exception {
    start("fixed-window", Map.of(), RateLimitStage.Throttle.REJECT, 0, "name=api,limit=3,window=1m");
    for (int i = 0; i < 3; i++) {
      assertThat(target.get("/x", "X-Api-Key", "alice").statusCode()).isEqualTo(200);
    }
    HttpResponse<String> over = target.get("/x", "X-Api-Key", "alice");
    assertThat(over.statusCode()).isEqualTo(429);
    assertThat(over.headers().firstValue("Retry-After").map(Long::parseLong).orElseThrow()).isBetween(1L, 60L);
    assertThat(over.headers().firstValue("RateLimit-Limit")).hasValue("3");
    assertThat(over.headers().firstValue("RateLimit-Remaining")).hasValue("0");
    assertThat(over.headers().firstValue("RateLimit-Reset").map(Long::parseLong).orElseThrow()).isBetween(1L, 60L);
    assertThat(over.headers().firstValue("X-RateLimit-Rule")).hasValue("api");
    assertThat(over.body()).contains("rule 'api'").contains("3 per 60000 ms");
    // Another key has its own allowance; a missing key falls back to the client address.
    assertThat(target.get("/x", "X-Api-Key", "bob").statusCode()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      assertThat(target.get("/x").statusCode()).isEqualTo(200);
    }
    assertThat(target.get("/x").statusCode()).isEqualTo(429);
    JsonNode stats = stats();
    assertThat(stats.get("admitted").asLong()).isEqualTo(7);
    assertThat(stats.get("rejected").asLong()).isEqualTo(2);
    assertThat(stats.get("rules").get(0).get("rejected").asLong()).isEqualTo(2);
    assertThat(target.get("/_/health").statusCode()).isEqualTo(200);
  }

  @Test
  void routesAndPlansChooseTheRulesAndEveryApplicableRuleMustAdmit() throws Exception {
    trust = ClientTrust.ofProxies(List.of("127.0.0.1")); // the plan header counts only from a trusted proxy
    Origin origin = start("fixed-window", Map.of(), RateLimitStage.Throttle.REJECT, 0,
        "name=user,route=/api/user,limit=2,window=1m",
        "name=order,route=/api/order,limit=4,window=1m",
        "name=free-total,plan=free,limit=5,window=1m",
        "name=premium-total,plan=premium,limit=50,window=1m");
    // /api/user: the user rule (2) and the free total (5) apply; the user rule refuses the third, and the free
    // total, evaluated after it, never sees that one.
    assertThat(status("/api/user/1", "k1", "free", 3)).containsExactly(200, 200, 429);
    // /api/order on another key: the order rule (4) refuses the fifth.
    assertThat(status("/api/order/1", "k2", "free", 5)).containsExactly(200, 200, 200, 200, 429);
    // Elsewhere only the free total applies: k1 has used 2 of its 5.
    assertThat(status("/other", "k1", "free", 4)).containsExactly(200, 200, 200, 429);
    // Premium keys get the premium total instead of the free one.
    assertThat(status("/other", "k3", "premium", 8)).containsOnly(200);
    assertThat(origin.served.get()).isEqualTo(2 + 4 + 3 + 8);
    JsonNode rules = stats().get("rules");
    assertThat(rules.get(0).get("rejected").asLong()).isEqualTo(1);
    assertThat(rules.get(1).get("rejected").asLong()).isEqualTo(1);
    assertThat(rules.get(2).get("rejected").asLong()).isEqualTo(1);
    assertThat(rules.get(3).get("admitted").asLong()).isEqualTo(8);
  }

  private List<Integer> status(String path, String key, String plan, int n) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(target.get(path, "X-Api-Key", key, "X-Plan", plan).statusCode());
    }
    return out;
  }

  @Test
  void aJwtClaimKeysTheLimit() throws Exception {
    start("sliding-log", Map.of(), RateLimitStage.Throttle.REJECT, 0, "name=jwt,key=jwt:sub,limit=2,window=1m");
    String alice = bearer("alice");
    String bob = bearer("bob");
    assertThat(target.get("/x", "Authorization", alice).statusCode()).isEqualTo(200);
    assertThat(target.get("/x", "Authorization", alice).statusCode()).isEqualTo(200);
    assertThat(target.get("/x", "Authorization", alice).statusCode()).isEqualTo(429);
    assertThat(target.get("/x", "Authorization", bob).statusCode()).isEqualTo(200);
  }

  private static String bearer(String subject) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return "Bearer " + b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(("{\"sub\":\"" + subject + "\"}").getBytes(StandardCharsets.UTF_8)) + ".sig";
  }

  @Test
  void delayHoldsARequestUntilTheLimiterAdmitsIt() throws Exception {
    start("token-bucket", Map.of(), RateLimitStage.Throttle.DELAY, 5000, "name=api,limit=1,window=300ms");
    assertThat(target.get("/x", "X-Api-Key", "k").statusCode()).isEqualTo(200);
    long start = System.nanoTime();
    HttpResponse<String> held = target.get("/x", "X-Api-Key", "k");
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(held.statusCode()).isEqualTo(200);
    // A token every 300 ms, and the first request took the only one: the second waits for the next, less
    // whatever passed between the two requests.
    assertThat(waitedMillis).isGreaterThanOrEqualTo(50);
    JsonNode stats = stats();
    assertThat(stats.get("rejected").asLong()).isZero();
    assertThat(stats.get("rules").get(0).get("waits").asLong()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void queueRejectsAfterItsMaximumWait() throws Exception {
    start("fixed-window", Map.of(), RateLimitStage.Throttle.QUEUE, 100, "name=api,limit=1,window=1m");
    assertThat(target.get("/x", "X-Api-Key", "k").statusCode()).isEqualTo(200);
    HttpResponse<String> over = target.get("/x", "X-Api-Key", "k");
    assertThat(over.statusCode()).isEqualTo(429); // a minute away: more than the 100 ms it may wait
    assertThat(over.body()).contains("rule 'api'");
  }

  @Test
  void theNginxLeakyBucketDelaysItsBurst() throws Exception {
    start("leaky-bucket-queue", Map.of("burst", "2"), RateLimitStage.Throttle.REJECT, 0,
        "name=api,limit=1,window=1s");
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      sent.add(target.getAsync("/x", "X-Api-Key", "k"));
    }
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : sent) {
      statuses.add(f.get(10, TimeUnit.SECONDS).statusCode());
    }
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // 1 r/s with burst=2: one at once, two delayed by about 1 and 2 s, the fourth rejected (as long as the
    // four arrive within the first second, which they do by far).
    assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(3);
    assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(1);
    assertThat(tookMillis).isGreaterThanOrEqualTo(1500);
    assertThat(stats().get("rules").get(0).get("delayed").asLong()).isEqualTo(2);
  }

  @Test
  void aConcurrencyLimitFreesItsSlotWhenTheResponseIsDone() throws Exception {
    Origin origin = start("concurrency", Map.of(), RateLimitStage.Throttle.REJECT, 0, "name=api,key=global,limit=2");
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sent.add(target.getAsync("/x", "X-Delay-Ms", "1000")); // all six arrive while the first two are served
    }
    long ok = 0;
    for (CompletableFuture<HttpResponse<String>> f : sent) {
      ok += f.get(10, TimeUnit.SECONDS).statusCode() == 200 ? 1 : 0;
    }
    assertThat(ok).isEqualTo(2);
    assertThat(origin.peak.get()).isEqualTo(2);
    // Both slots came back when their responses were done.
    assertThat(target.get("/x").statusCode()).isEqualTo(200);
    assertThat(target.get("/x").statusCode()).isEqualTo(200);
  }

  @Test
  void aSlotTakenByOneRuleComesBackWhenALaterRuleRefusesTheRequest() throws Exception {
    start("concurrency", Map.of(), RateLimitStage.Throttle.REJECT, 0, "name=all,key=global,limit=2",
        "name=per-key,limit=1");
    CompletableFuture<HttpResponse<String>> slow = target.getAsync("/x", "X-Api-Key", "a", "X-Delay-Ms", "2000");
    Thread.sleep(300); // the slow request is in flight by then
    // a's second request passes "all" (2 slots) but not "per-key": its "all" slot must come back at once...
    assertThat(target.get("/x", "X-Api-Key", "a").statusCode()).isEqualTo(429);
    // ...or b would find "all" full (a's slow request + a leaked slot).
    assertThat(target.get("/x", "X-Api-Key", "b").statusCode()).isEqualTo(200);
    assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void statsSplitClientClassesAndResetZeroesThem() throws Exception {
    start("fixed-window", Map.of(), RateLimitStage.Throttle.REJECT, 0, "name=api,limit=2,window=1m");
    for (int i = 0; i < 5; i++) {
      target.get("/x", "X-Api-Key", "abusive-0", "X-Client-Class", "abusive");
    }
    target.get("/x", "X-Api-Key", "good-0", "X-Client-Class", "good");
    JsonNode classes = stats().get("classes");
    assertThat(classes.get("abusive").get("admitted").asLong()).isEqualTo(2);
    assertThat(classes.get("abusive").get("rejected").asLong()).isEqualTo(3);
    assertThat(classes.get("abusive").get("rejectedShare").asDouble()).isEqualTo(0.6);
    assertThat(classes.get("good").get("rejected").asLong()).isZero();
    assertThat(stats().get("topKeysAdmitted").get("api:abusive-0").asLong()).isEqualTo(2);
    assertThat(stats().get("decisionLatency").get("count").asLong()).isEqualTo(6);
    assertThat(target.post("/_/reset").statusCode()).isEqualTo(200);
    assertThat(stats().get("requests").asLong()).isZero();
    assertThat(stats().get("classes").size()).isZero();
  }
}
