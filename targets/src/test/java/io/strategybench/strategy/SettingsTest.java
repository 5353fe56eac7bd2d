package io.strategybench.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.TestFamilies;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.lb.PeakEwma;
import io.strategybench.lb.StickyRoundRobin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private final StrategyRegistry registry = StrategyRegistry.load(TestFamilies.all(), List.of());

  @Test
  void describesParametersWithDefaultsAndRanges() {
    List<SettingDescriptor> settings = registry.strategy(LoadBalancer.FAMILY, "sticky-round-robin").settings();
    assertThat(settings).extracting(SettingDescriptor::name).containsExactly("idle-timeout-millis", "max-sessions");
    SettingDescriptor idle = settings.get(0);
    assertThat(idle.defaultValue()).isEqualTo("300000");
    assertThat(idle.allowed()).isEqualTo("1..86400000");
    assertThat(registry.strategy(LoadBalancer.FAMILY, "round-robin").settings()).isEmpty();
  }

  @Test
  void bindsValuesOverTheDefaults() {
    StickyRoundRobin.Settings s = SettingsBinder.bind(StickyRoundRobin.Settings.class,
        Map.of("max-sessions", "42"), "test");
    assertThat(s.maxSessions).isEqualTo(42);
    assertThat(s.idleTimeoutMillis).isEqualTo(300_000);
  }

  @Test
  void anOutOfRangeValueNamesTheParameterAndItsRange() {
    assertThatThrownBy(() -> registry.strategy(LoadBalancer.FAMILY, "peak-ewma")
        .create(Map.of("decay-millis", "0"), StrategyContext.system()))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("parameter 'decay-millis' of lb strategy 'peak-ewma' must be in 1..600000, got 0")
        .extracting(e -> ((InvalidParameterException) e).parameter()).isEqualTo("decay-millis");
  }

  @Test
  void aMalformedValueSaysWhatTypeIsExpected() {
    assertThatThrownBy(() -> SettingsBinder.bind(PeakEwma.Settings.class, Map.of("decay-millis", "fast"), "peak-ewma"))
        .hasMessageContaining("'fast' is not a valid long; allowed: 1..600000");
  }

  @Test
  void anUnknownParameterListsTheValidOnes() {
    assertThatThrownBy(() -> registry.strategy(LoadBalancer.FAMILY, "sticky-round-robin")
        .validate(Map.of("idle", "5")))
        .hasMessageContaining("has no parameter 'idle'; valid parameters: idle-timeout-millis, max-sessions");
    assertThatThrownBy(() -> registry.strategy(LoadBalancer.FAMILY, "round-robin").validate(Map.of("x", "1")))
        .hasMessageContaining("takes no parameters");
  }

  @Test
  void theCreatedStrategyUsesTheBoundSettings() {
    LoadBalancer lb = registry.strategy(LoadBalancer.FAMILY, "sticky-round-robin")
        .create(Map.of("max-sessions", "1"), StrategyContext.system());
    assertThat(lb).isInstanceOf(StickyRoundRobin.class);
    lb.setBackends(List.of(new io.strategybench.testing.FakeBackend("a", 1)));
    lb.pick(io.strategybench.testing.Requests.of(null, "s1"));
    lb.pick(io.strategybench.testing.Requests.of(null, "s2"));
    assertThat(((StickyRoundRobin) lb).sessionCount()).isEqualTo(1);
  }
}
