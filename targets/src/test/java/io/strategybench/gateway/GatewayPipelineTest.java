package io.strategybench.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.TestFamilies;
import io.strategybench.cache.ForwardingCacheStage;
import io.strategybench.cache.Lru;
import io.strategybench.lb.LoadBalancerStage;
import io.strategybench.lb.RoundRobin;
import io.strategybench.ratelimit.KeySource;
import io.strategybench.ratelimit.RateLimitRule;
import io.strategybench.ratelimit.RateLimitStage;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.ratelimit.RuleLimiters;
import io.strategybench.server.Json;
import io.strategybench.server.Upstream;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import io.strategybench.testing.TestTarget;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's API gateway in one target: rate limit (token bucket per X-Api-Key) → cache (LRU, keeping what the
 * next stage answers) → load balancer (round robin over two simulated backends). One request at a time, so every
 * counter is exact: which stage answered, what each passed on, and that the cache's copy is the backend's answer.
 */
class GatewayPipelineTest {
  private static final StrategyRegistry REGISTRY = StrategyRegistry.load(TestFamilies.all(), List.of());

  private TestTarget target;

  @AfterEach
  void stop() {
    if (target != null) {
      target.close();
    }
  }

  private void start(long limit) throws InterruptedException {
    RateLimitStage.Config config = new RateLimitStage.Config(
        List.of(RateLimitRule.parse("name=per-key,key=header:X-Api-Key,limit=" + limit + ",window=1m", 1, limit,
            60_000)),
        new KeySource.Header("X-Plan"), "free", RateLimitStage.Throttle.parse("reject"),
        TimeUnit.SECONDS.toNanos(1), 100, "X-Client-Class");
    RateLimitStage rateLimit = new RateLimitStage("token-bucket", config, RuleLimiters.factory(
        REGISTRY.strategy(RateLimiter.FAMILY, "token-bucket"), Map.of(), StrategyContext.system()));
    ForwardingCacheStage cache = new ForwardingCacheStage(new Lru(capacity(100)), "lru", 0, 0);
    LoadBalancerStage lb = new LoadBalancerStage(new RoundRobin(), "round-robin", List.of(),
        TestTarget.pool(2, "const:1ms"), TestTarget.health(), Upstream.Limits.defaults(), 1);
    target = TestTarget.start(List.of(rateLimit, cache, lb), "gateway");
  }

  private static io.strategybench.cache.CacheSettings capacity(long entries) {
    io.strategybench.cache.CacheSettings settings = new io.strategybench.cache.CacheSettings();
    settings.capacity = entries;
    return settings;
  }

  private JsonNode stats() throws Exception {
    return Json.MAPPER.readTree(target.get("/_/stats").body());
  }

  private static JsonNode stage(JsonNode stats, int index) {
    return stats.get("pipeline").get(index);
  }

  @Test
  void oneRequestGoesThroughRateLimitCacheAndLoadBalancerAndTheNextIsAnsweredByTheCache() throws Exception {
    start(2);
    HttpResponse<String> miss = target.get("/k/7", "X-Api-Key", "alice");
    assertThat(miss.statusCode()).isEqualTo(200);
    assertThat(miss.headers().firstValue("x-cache")).isEmpty();
    JsonNode first = stats();
    assertThat(first.get("stages").get("lb").get("dispatched").asLong()).isEqualTo(1);
    assertThat(stage(first, 0).get("stage").asText()).isEqualTo("ratelimit");
    assertThat(stage(first, 0).get("passed").asLong()).isEqualTo(1);
    assertThat(stage(first, 1).get("passed").asLong()).isEqualTo(1);
    assertThat(stage(first, 2).get("answered").asLong()).isEqualTo(1);
    assertThat(first.get("stages").get("cache").get("kept").asLong()).isEqualTo(1);

    HttpResponse<String> hit = target.get("/k/7", "X-Api-Key", "alice");
    assertThat(hit.statusCode()).isEqualTo(200);
    assertThat(hit.headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(hit.body()).isEqualTo(miss.body()).isNotEmpty();
    JsonNode second = stats();
    assertThat(second.get("stages").get("lb").get("dispatched").asLong()).as("the hit never reached the LB")
        .isEqualTo(1);
    assertThat(stage(second, 1).get("answered").asLong()).isEqualTo(1);
    assertThat(stage(second, 2).get("entered").asLong()).isEqualTo(1);

    HttpResponse<String> limited = target.get("/k/7", "X-Api-Key", "alice");
    assertThat(limited.statusCode()).as("alice's third request is over her limit of 2").isEqualTo(429);
    assertThat(target.get("/k/7", "X-Api-Key", "bob").statusCode()).as("bob has a limit of his own")
        .isEqualTo(200);
    JsonNode third = stats();
    assertThat(stage(third, 0).get("entered").asLong()).isEqualTo(4);
    assertThat(stage(third, 0).get("answered").asLong()).isEqualTo(1);
    assertThat(stage(third, 0).get("passed").asLong()).isEqualTo(3);
    assertThat(stage(third, 1).get("entered").asLong()).isEqualTo(3);
    assertThat(stage(third, 1).get("answered").asLong()).isEqualTo(2);
    assertThat(stage(third, 2).get("entered").asLong()).isEqualTo(1);
    assertThat(third.get("stages").get("ratelimit").get("rejected").asLong()).isEqualTo(1);
    assertThat(third.get("stages").get("cache").get("hits").asLong()).isEqualTo(2);
    for (int i = 0; i < 3; i++) {
      JsonNode s = stage(third, i);
      assertThat(s.get("entered").asLong()).as(s.get("stage").asText() + ": every request it received left it")
          .isEqualTo(s.get("passed").asLong() + s.get("answered").asLong());
      assertThat(s.get("passLatency").get("count").asLong() + s.get("answerLatency").get("count").asLong())
          .isEqualTo(s.get("entered").asLong());
    }
  }

  @Test
  void aWriteGoesThroughToTheBackendAndDropsTheCachedCopy() throws Exception {
    start(100);
    target.get("/k/3", "X-Api-Key", "alice");
    assertThat(target.get("/k/3", "X-Api-Key", "alice").headers().firstValue("x-cache")).hasValue("HIT");
    HttpResponse<String> write = TestTarget.CLIENT.send(java.net.http.HttpRequest.newBuilder(target.uri("/k/3"))
        .header("X-Api-Key", "alice").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("v2")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(write.statusCode()).isEqualTo(200);
    assertThat(target.get("/k/3", "X-Api-Key", "alice").headers().firstValue("x-cache")).as("dropped by the write")
        .isEmpty();
    JsonNode stats = stats();
    assertThat(stats.get("stages").get("cache").get("invalidations").asLong()).isEqualTo(1);
    assertThat(stats.get("stages").get("lb").get("dispatched").asLong()).isEqualTo(3);
  }

  @Test
  void anAnswerThatIsNotA200IsPassedOnButNotKept() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    io.strategybench.server.Stage missing = new io.strategybench.server.Stage() {
      @Override
      public String name() {
        return "missing";
      }

      @Override
      public void handle(io.strategybench.server.Exchange exchange) {
        calls.incrementAndGet();
        exchange.respond(io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND, "no such thing\n");
      }
    };
    target = TestTarget.start(List.of(new ForwardingCacheStage(new Lru(capacity(10)), "lru", 0, 0), missing),
        "gateway");
    assertThat(target.get("/k/1").statusCode()).isEqualTo(404);
    assertThat(target.get("/k/1").statusCode()).isEqualTo(404);
    assertThat(calls.get()).as("a 404 is not kept: both requests reach the stage behind").isEqualTo(2);
    assertThat(stats().get("stages").get("cache").get("notKept").get("status 404").asLong()).isEqualTo(2);
  }
}
