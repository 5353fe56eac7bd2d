package io.strategybench.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.cli.CliRun;
import io.strategybench.cli.OptionTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The serve options that say whom the rate-limit stage trusts and how much per-key state it keeps. */
class RateLimitOptionsTest {
  private static RateLimitOptions parse(String... args) {
    return OptionTable.of(RateLimitOptions.class).parse(args);
  }

  @Test
  void byDefaultNoProxyIsTrustedNoTokenVerifiedAndStateIsBounded() {
    RateLimitOptions options = parse();
    RateLimitStage.Config config = options.build(100, 1000);
    assertThat(config.trust()).isEqualTo(ClientTrust.NONE);
    assertThat(config.trust().trustsAny()).isFalse();
    assertThat(config.jwt()).isNull();
    assertThat(options.maxKeys()).isEqualTo(100_000);
    assertThat(options.keyIdleMillis()).isEqualTo(600_000);
  }

  @Test
  void trustedProxiesHopsSecretsAndBoundsAreRead(@TempDir Path dir) throws Exception {
    RateLimitStage.Config proxies = parse("--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "192.0.2.7")
        .build(100, 1000);
    assertThat(proxies.trust().proxies()).extracting(Object::toString).containsExactly("10.0.0.0/8", "192.0.2.7");
    assertThat(parse("--trusted-hops", "2").build(100, 1000).trust().hops()).isEqualTo(2);
    Path key = dir.resolve("jwt.key");
    Files.writeString(key, "s3cret\n");
    JwtVerifier fromFile = parse("--jwt-key-file", key.toString()).build(100, 1000).jwt();
    // the trailing newline is not part of the secret
    String token = JwtVerifier.signHs256("s3cret".getBytes(StandardCharsets.UTF_8), "{\"sub\":\"a\"}");
    assertThat(fromFile.verify(token).get("sub").asText()).isEqualTo("a");
    JwtVerifier fromText = parse("--jwt-secret", "s3cret").build(100, 1000).jwt();
    assertThat(fromText.verify(token).get("sub").asText()).isEqualTo("a");
    RateLimitOptions bounds = parse("--max-keys", "5000", "--key-idle-expiry", "90s");
    assertThat(bounds.maxKeys()).isEqualTo(5000);
    assertThat(bounds.keyIdleMillis()).isEqualTo(90_000);
  }

  @Test
  void contradictoryOrMalformedTrustIsRefused() {
    assertThatThrownBy(() -> parse("--trusted-proxy", "proxy.example").build(100, 1000))
        .hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> parse("--trusted-proxy", "10.0.0.1", "--trusted-hops", "1").build(100, 1000))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> parse("--jwt-secret", "a", "--jwt-key-file", "/nonexistent").build(100, 1000))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> parse("--max-keys", "0").build(100, 1000)).hasMessageContaining("--max-keys");
  }

  @Test
  void serveRefusesABadTrustedProxyWithUsageStatus() {
    CliRun run = CliRun.of("serve", "--family", "ratelimit", "--port", "0", "--trusted-proxy", "10.0.0.0/40");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("trusted proxy '10.0.0.0/40'").contains("0 to 32");
  }

  @Test
  void theHelpSaysAJwtClaimIsUnverifiedWithoutASecret() {
    CliRun help = CliRun.of("serve", "--help");
    assertThat(String.join(" ", List.of(help.out().split("\\s+")))).contains("UNVERIFIED")
        .contains("--trusted-proxy").contains("--max-keys").contains("--key-idle-expiry");
  }
}
