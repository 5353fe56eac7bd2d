package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.cli.OptionTable;
import org.junit.jupiter.api.Test;

/**
 * The health options as a user writes them. Before they were declared in a table, {@code --no-fail-on-5xx} left 5xx
 * counted and {@code --fail-on-5xx} turned it off: picocli sets a negatable flag whose default is true to the
 * opposite of its default when its positive form is given.
 */
class HealthOptionsTest {
  private static HealthOptions parse(String... args) {
    return OptionTable.of(HealthOptions.class).parse(args);
  }

  @Test
  void fiveHundredsCountUnlessNoFailOn5xxIsGiven() {
    assertThat(parse().failOn5xx()).isTrue();
    assertThat(parse("--fail-on-5xx").failOn5xx()).isTrue();
    assertThat(parse("--no-fail-on-5xx").failOn5xx()).isFalse();
    assertThat(parse("--no-fail-on-5xx").policy().failOn5xx()).isFalse();
  }

  @Test
  void defaultsAreEnvoysAndNginxs() {
    HealthPolicy policy = parse().policy();
    assertThat(policy.maxFails()).isEqualTo(3);
    assertThat(policy.ejectNanos()).isEqualTo(10_000_000_000L);
    assertThat(policy.panicThreshold()).isEqualTo(0.5);
    assertThat(policy.maxEjectionShare()).isEqualTo(0.1);
  }

  @Test
  void sharesOutsideZeroToOneAreRefusedByName() {
    assertThatThrownBy(() -> parse("--panic-threshold", "1.5")).hasMessage("--panic-threshold must be 0 to 1, got 1.5");
    assertThatThrownBy(() -> parse("--max-ejection", "-0.1")).hasMessage("--max-ejection must be 0 to 1, got -0.1");
  }
}
