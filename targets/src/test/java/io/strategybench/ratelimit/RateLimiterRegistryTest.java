package io.strategybench.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.strategy.InvalidParameterException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local strategies are registered under their names, validate their settings and keep keys apart. */
class RateLimiterRegistryTest {
  static final List<String> LOCAL = List.of("fixed-window", "sliding-log", "sliding-window-counter",
      "token-bucket", "leaky-bucket", "leaky-bucket-queue", "gcra", "concurrency", "aimd", "gradient");

  @Test
  void theRegistryListsEveryLocalStrategy() {
    assertThat(Limiters.REGISTRY.names(RateLimiter.FAMILY)).containsAll(LOCAL);
    for (String name : LOCAL) {
      RateLimiter limiter = Limiters.create(name, Map.of());
      assertThat(limiter.isRemote()).isFalse();
      assertThat(limiter.needsRelease()).as(name).isEqualTo(List.of("concurrency", "aimd", "gradient").contains(name));
      assertThat(Limiters.REGISTRY.strategy(RateLimiter.FAMILY, name).summary()).isNotBlank();
    }
  }

  @Test
  void outOfRangeSettingsAreRejectedNamingTheParameter() {
    for (String name : LOCAL) {
      assertThatThrownBy(() -> Limiters.create(name, Map.of("limit", "0")))
          .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("limit"));
      assertThatThrownBy(() -> Limiters.create(name, Map.of("window-millis", "0")))
          .isInstanceOfSatisfying(InvalidParameterException.class,
              e -> assertThat(e.parameter()).isEqualTo("window-millis"));
    }
    assertThatThrownBy(() -> Limiters.create("gcra", Map.of("burst", "-2")))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("burst"));
    assertThat(Limiters.create("gcra", Map.of("burst", "-1")).acquire("k", 0).limit()).isEqualTo(100);
    assertThat(Limiters.create("gcra", Map.of("burst", "0")).acquire("k", 0).limit()).isEqualTo(1);
    assertThatThrownBy(() -> Limiters.create("leaky-bucket-queue", Map.of("burst", "-1")))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("burst"));
    // below nginx's resolution of 0.001 r/s
    assertThatThrownBy(() -> Limiters.create("leaky-bucket-queue", Map.of("limit", "1", "window-millis", "86400000")))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("limit"));
    for (String adaptive : List.of("aimd", "gradient")) {
      assertThatThrownBy(() -> Limiters.create(adaptive, Map.of("min-limit", "10", "max-limit", "5")))
          .isInstanceOfSatisfying(InvalidParameterException.class,
              e -> assertThat(e.parameter()).isEqualTo("min-limit"));
      assertThatThrownBy(() -> Limiters.create(adaptive, Map.of("limit", "2000")))
          .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("limit"));
    }
    assertThatThrownBy(() -> Limiters.create("aimd", Map.of("backoff-ratio", "0.4")))
        .isInstanceOfSatisfying(InvalidParameterException.class,
            e -> assertThat(e.parameter()).isEqualTo("backoff-ratio"));
  }

  /** Exhausting one key leaves another untouched, and the first stays exhausted. */
  @Test
  void twoKeysAreIndependent() {
    for (String name : LOCAL) {
      Map<String, String> params = name.equals("leaky-bucket-queue") // one at once, two queued
          ? Map.of("limit", "3", "window-millis", "1000", "burst", "2")
          : Map.of("limit", "3", "window-millis", "1000");
      RateLimiter limiter = Limiters.create(name, params);
      long t = -99;
      for (int i = 0; i < 3; i++) {
        assertThat(limiter.acquire("a", t).admitted()).as(name).isTrue();
      }
      assertThat(limiter.acquire("a", t).admitted()).as(name).isFalse();
      for (int i = 0; i < 3; i++) {
        assertThat(limiter.acquire("b", t).admitted()).as(name + " key b, request " + i).isTrue();
      }
      assertThat(limiter.acquire("b", t).admitted()).as(name).isFalse();
      assertThat(limiter.acquire("a", t).admitted()).as(name).isFalse();
    }
  }
}
