package io.strategybench.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.TestFamilies;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.testing.PluginJars;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrategyRegistryTest {
  @TempDir
  Path temp;

  private static final String SERVICE = "io.strategybench.lb.LoadBalancer";

  private static String strategy(String pkg, String cls, String name, String body) {
    return "package " + pkg + ";\n"
        + "import io.strategybench.lb.*;\nimport io.strategybench.strategy.*;\nimport java.util.List;\n"
        + (name == null ? "" : "@Strategy(name = \"" + name + "\", summary = \"test\")\n")
        + "public class " + cls + " implements LoadBalancer {\n"
        + "  private volatile List<? extends Backend> backends = List.of();\n"
        + "  public void setBackends(List<? extends Backend> b) { backends = b; }\n"
        + "  public Backend pick(LbRequest r) { return backends.isEmpty() ? null : backends.get(0); }\n"
        + body + "}\n";
  }

  @Test
  void discoversTheTenBuiltInLoadBalancersByTheirDeclaredNames() {
    StrategyRegistry registry = StrategyRegistry.load(TestFamilies.all(), List.of());
    assertThat(registry.names(LoadBalancer.FAMILY)).containsExactly("ip-hash", "least-connections",
        "least-response-time", "peak-ewma", "power-of-two-choices", "random", "round-robin", "sticky-round-robin",
        "weighted-least-connections", "weighted-round-robin");
    assertThat(registry.strategies(LoadBalancer.FAMILY)).allSatisfy(d -> assertThat(d.isPlugin()).isFalse());
  }

  @Test
  void anUnknownNameListsTheValidOnes() {
    StrategyRegistry registry = StrategyRegistry.load(TestFamilies.all(), List.of());
    assertThatThrownBy(() -> registry.strategy(LoadBalancer.FAMILY, "round-robbin"))
        .isInstanceOf(UnknownNameException.class)
        .hasMessageContaining("unknown lb strategy 'round-robbin'")
        .hasMessageContaining("round-robin, sticky-round-robin");
    assertThatThrownBy(() -> registry.family("cache-policies"))
        .isInstanceOf(UnknownNameException.class)
        .hasMessageContaining("valid family names: lb");
  }

  @Test
  void loadsAPluginJarFromOutsideTheClassPath() throws Exception {
    Path jar = PluginJars.build(temp.resolve("plugins/first.jar"),
        Map.of("com/example/First.java", strategy("com.example", "First", "first-one", "")),
        Map.of(SERVICE, "com.example.First\n"));
    assertThatThrownBy(() -> Class.forName("com.example.First")).isInstanceOf(ClassNotFoundException.class);
    StrategyRegistry registry = StrategyRegistry.load(TestFamilies.all(),
        StrategyRegistry.pluginJars(temp.resolve("plugins"), List.of()));
    StrategyDescriptor<LoadBalancer> plugin = registry.strategy(LoadBalancer.FAMILY, "first-one");
    assertThat(plugin.isPlugin()).isTrue();
    assertThat(plugin.source()).isEqualTo(jar.toAbsolutePath().toString());
    assertThat(plugin.create(Map.of(), StrategyContext.system())).isInstanceOf(LoadBalancer.class);
    assertThat(registry.names(LoadBalancer.FAMILY)).hasSize(11);
  }

  @Test
  void failsFastOnADuplicateName() throws Exception {
    Path jar = PluginJars.build(temp.resolve("dup.jar"),
        Map.of("com/example/Dup.java", strategy("com.example", "Dup", "round-robin", "")),
        Map.of(SERVICE, "com.example.Dup\n"));
    assertThatThrownBy(() -> StrategyRegistry.load(TestFamilies.all(), List.of(jar)))
        .isInstanceOf(StrategyException.class)
        .hasMessageContaining("duplicate lb strategy name 'round-robin'")
        .hasMessageContaining("io.strategybench.lb.RoundRobin (built-in)")
        .hasMessageContaining("com.example.Dup (" + jar.toAbsolutePath());
  }

  @Test
  void rejectsAStrategyWithoutItsAnnotationOrWithABadName() throws Exception {
    Path unnamed = PluginJars.build(temp.resolve("unnamed.jar"),
        Map.of("com/example/Unnamed.java", strategy("com.example", "Unnamed", null, "")),
        Map.of(SERVICE, "com.example.Unnamed\n"));
    assertThatThrownBy(() -> StrategyRegistry.load(TestFamilies.all(), List.of(unnamed)))
        .hasMessageContaining("com.example.Unnamed")
        .hasMessageContaining("has no @Strategy");
    Path badName = PluginJars.build(temp.resolve("bad.jar"),
        Map.of("com/example/Bad.java", strategy("com.example", "Bad", "Bad_Name", "")),
        Map.of(SERVICE, "com.example.Bad\n"));
    assertThatThrownBy(() -> StrategyRegistry.load(TestFamilies.all(), List.of(badName)))
        .hasMessageContaining("'Bad_Name' must be kebab-case");
  }

  @Test
  void aMissingPluginJarIsNamed() {
    assertThatThrownBy(() -> StrategyRegistry.load(TestFamilies.all(), List.of(temp.resolve("nope.jar"))))
        .hasMessageContaining("plugin jar")
        .hasMessageContaining("nope.jar does not exist");
  }

  @Test
  void aStrategyWhoseConstructorThrowsIsReportedWithItsPlugin() throws Exception {
    Path jar = PluginJars.build(temp.resolve("throws.jar"),
        Map.of("com/example/Throws.java", strategy("com.example", "Throws", "throws-on-start",
            "  public Throws() { throw new IllegalStateException(\"broken on purpose\"); }\n")),
        Map.of(SERVICE, "com.example.Throws\n"));
    StrategyRegistry registry = StrategyRegistry.load(TestFamilies.all(), List.of(jar));
    assertThat(registry.names(LoadBalancer.FAMILY)).contains("throws-on-start");
    assertThatThrownBy(() -> registry.strategy(LoadBalancer.FAMILY, "throws-on-start")
        .create(Map.of(), StrategyContext.system()))
        .isInstanceOf(StrategyException.class)
        .hasMessageContaining("lb strategy 'throws-on-start' (plugin ")
        .hasMessageContaining("failed to start")
        .hasMessageContaining("broken on purpose");
  }
}
