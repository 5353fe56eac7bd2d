package io.strategybench.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RateLimitRuleTest {
  @Test
  void aRuleReadsEveryField() {
    RateLimitRule rule = RateLimitRule.parse("name=user, route=/api/user, plan=free, key=jwt:sub, limit=100,"
        + " window=1m", 1, 5, 1000);
    assertThat(rule.name()).isEqualTo("user");
    assertThat(rule.route()).isEqualTo("/api/user");
    assertThat(rule.plan()).isEqualTo("free");
    assertThat(rule.key()).isEqualTo(new KeySource.JwtClaim("sub"));
    assertThat(rule.limit()).isEqualTo(100);
    assertThat(rule.windowMillis()).isEqualTo(60_000);
    assertThat(rule.appliesTo("/api/user/7", "free")).isTrue();
    assertThat(rule.appliesTo("/api/user/7", "premium")).isFalse();
    assertThat(rule.appliesTo("/api/order", "free")).isFalse();
  }

  @Test
  void missingFieldsTakeTheDefaults() {
    RateLimitRule rule = RateLimitRule.parse("", 3, 42, 250);
    assertThat(rule.name()).isEqualTo("rule3");
    assertThat(rule.route()).isEqualTo("/");
    assertThat(rule.plan()).isNull();
    assertThat(rule.key()).isEqualTo(new KeySource.Header("X-Api-Key"));
    assertThat(rule.limit()).isEqualTo(42);
    assertThat(rule.windowMillis()).isEqualTo(250);
    assertThat(RateLimitRule.parse("window=500ms", 1, 1, 1).windowMillis()).isEqualTo(500);
    assertThat(RateLimitRule.parse("window=2s", 1, 1, 1).windowMillis()).isEqualTo(2000);
    assertThat(RateLimitRule.parse("window=1h", 1, 1, 1).windowMillis()).isEqualTo(3_600_000);
  }

  @Test
  void badRulesNameTheRuleAndTheField() {
    assertThatThrownBy(() -> RateLimitRule.parse("name=user,limit=-5", 1, 1, 1000))
        .hasMessageContaining("rule 'user'").hasMessageContaining("limit").hasMessageContaining("-5");
    assertThatThrownBy(() -> RateLimitRule.parse("name=user,limit=0", 1, 1, 1000))
        .hasMessageContaining("rule 'user'").hasMessageContaining("limit");
    assertThatThrownBy(() -> RateLimitRule.parse("name=order,window=0", 1, 1, 1000))
        .hasMessageContaining("rule 'order'").hasMessageContaining("window").hasMessageContaining("1s, 500ms or 1m");
    assertThatThrownBy(() -> RateLimitRule.parse("name=order,window=soon", 1, 1, 1000))
        .hasMessageContaining("rule 'order'").hasMessageContaining("window");
    assertThatThrownBy(() -> RateLimitRule.parse("name=inv,key=cookie:id", 1, 1, 1000))
        .hasMessageContaining("rule 'inv'").hasMessageContaining("key 'cookie:id'")
        .hasMessageContaining("header:NAME, address, jwt:CLAIM or global");
    assertThatThrownBy(() -> RateLimitRule.parse("name=inv,burst=3", 1, 1, 1000))
        .hasMessageContaining("rule 'inv'").hasMessageContaining("unknown field 'burst'")
        .hasMessageContaining("name, route, plan, key, limit, window");
    assertThatThrownBy(() -> RateLimitRule.parse("name=inv,route=api", 1, 1, 1000))
        .hasMessageContaining("rule 'inv'").hasMessageContaining("route");
  }

  @Test
  void aJwtClaimIsReadWithoutVerifyingTheSignature() {
    String payload = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"sub\":\"alice\",\"plan\":\"premium\",\"n\":7}".getBytes(StandardCharsets.UTF_8));
    String token = "Bearer eyJhbGciOiJIUzI1NiJ9." + payload + ".not-a-real-signature";
    assertThat(KeySource.JwtClaim.claimOf(token, "sub")).isEqualTo("alice");
    assertThat(KeySource.JwtClaim.claimOf(token, "plan")).isEqualTo("premium");
    assertThat(KeySource.JwtClaim.claimOf(token, "n")).isEqualTo("7");
    assertThat(KeySource.JwtClaim.claimOf(token, "missing")).isNull();
    assertThat(KeySource.JwtClaim.claimOf("Basic abc", "sub")).isNull();
    assertThat(KeySource.JwtClaim.claimOf("Bearer not-a-jwt", "sub")).isNull();
    assertThat(KeySource.JwtClaim.claimOf("Bearer a.!!!.c", "sub")).isNull();
  }
}
