package io.strategybench.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.strategybench.lb.BackendAddress;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpecParsingTest {
  @Test
  void parsesEachServiceTimeDistribution() {
    assertThat(ServiceTime.parse("const:5ms", "t")).isEqualTo(new ServiceTime.Constant(5_000_000));
    assertThat(ServiceTime.parse("uniform:1ms..9ms", "t")).isEqualTo(new ServiceTime.Uniform(1_000_000, 9_000_000));
    assertThat(ServiceTime.parse("exp:250us", "t")).isEqualTo(new ServiceTime.Exponential(250_000));
    assertThat(ServiceTime.parse("lognormal:5ms,0.8", "t")).isEqualTo(new ServiceTime.LogNormal(5_000_000, 0.8));
  }

  @Test
  void samplesHaveTheMeanTheDistributionPromises() {
    SplittableRandom random = new SplittableRandom(9);
    for (String spec : List.of("const:5ms", "uniform:1ms..9ms", "exp:5ms", "lognormal:5ms,0.8")) {
      ServiceTime t = ServiceTime.parse(spec, "t");
      double sum = 0;
      int n = 400_000;
      for (int i = 0; i < n; i++) {
        long sample = t.sampleNanos(random);
        assertThat(sample).isNotNegative();
        sum += sample;
      }
      assertThat(sum / n).as(spec).isCloseTo(5_000_000, within(5_000_000 * 0.01));
    }
  }

  @Test
  void exponentialServiceTimesAreMemoryless() {
    // P(X > 2m) = e^-2 for an exponential with mean m.
    ServiceTime t = ServiceTime.parse("exp:1ms", "t");
    SplittableRandom random = new SplittableRandom(1);
    int over = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      if (t.sampleNanos(random) > 2_000_000) {
        over++;
      }
    }
    assertThat((double) over / n).isCloseTo(Math.exp(-2), within(0.005));
  }

  @Test
  void badServiceTimesSayWhatIsAccepted() {
    assertThatThrownBy(() -> ServiceTime.parse("gauss:5ms", "--sim-service-time"))
        .hasMessageContaining("--sim-service-time: unknown distribution 'gauss'")
        .hasMessageContaining("exp:5ms");
    assertThatThrownBy(() -> ServiceTime.parse("exp:5", "--sim-service-time"))
        .hasMessageContaining("is not a duration");
    assertThatThrownBy(() -> ServiceTime.parse("uniform:9ms..1ms", "t")).hasMessageContaining("upper bound is below");
    assertThatThrownBy(() -> ServiceTime.parse("lognormal:5ms,9", "t")).hasMessageContaining("sigma must be in (0, 4]");
  }

  @Test
  void parsesFaults() {
    assertThat(Fault.parse("b4@30s:slow=10")).isEqualTo(new Fault("b4", 30_000_000_000L, Fault.Kind.SLOW, 10));
    assertThat(Fault.parse("b2@1500ms:error=502")).isEqualTo(new Fault("b2", 1_500_000_000L, Fault.Kind.ERROR, 502));
    assertThat(Fault.parse("b2@20s:refuse").kind()).isEqualTo(Fault.Kind.REFUSE);
    assertThat(Fault.parse("b2@40s:recover").toString()).isEqualTo("b2@40s:recover");
    assertThatThrownBy(() -> Fault.parse("b2:slow=3")).hasMessageContaining("write NAME@OFFSET:ACTION");
    assertThatThrownBy(() -> Fault.parse("b2@1s:explode")).hasMessageContaining("unknown action 'explode'");
    assertThatThrownBy(() -> Fault.parse("b2@1s:error=404")).hasMessageContaining("error status must be 500..599");
  }

  @Test
  void aFaultMustNameAnExistingBackend() {
    assertThatThrownBy(() -> SimulatedBackendSpec.pool(4, List.of(1), List.of(1), "exp:1ms", 1, 1,
        List.of("b9@1s:refuse")))
        .hasMessageContaining("names backend 'b9'; the simulated backends are b1..b4");
  }

  @Test
  void aPoolCyclesItsListsAndGivesEachBackendItsFaults() {
    List<SimulatedBackendSpec> pool = SimulatedBackendSpec.pool(5, List.of(4, 2), List.of(8), "exp:5ms", 16, 100,
        List.of("b2@1s:slow=3", "b2@2s:recover"));
    assertThat(pool).extracting(SimulatedBackendSpec::weight).containsExactly(4, 2, 4, 2, 4);
    assertThat(pool.get(1).faults()).hasSize(2);
    assertThat(pool.get(0).faults()).isEmpty();
  }

  @Test
  void oneBackendCanBeGivenItsOwnProperties() {
    List<SimulatedBackendSpec> pool = SimulatedBackendSpec.override(
        SimulatedBackendSpec.pool(3, List.of(1), List.of(8), "exp:5ms", 16, 100, List.of()),
        List.of("b2.service-time=lognormal:20ms,1.2", "b2.capacity=3", "b3.response-bytes=4096", "b1.weight=5"));
    assertThat(pool.get(1).serviceTime()).isEqualTo(new ServiceTime.LogNormal(20_000_000, 1.2));
    assertThat(pool.get(1).capacity()).isEqualTo(3);
    assertThat(pool.get(2).responseBytes()).isEqualTo(4096);
    assertThat(pool.get(0).weight()).isEqualTo(5);
    assertThat(pool.get(0).serviceTime()).isEqualTo(new ServiceTime.Exponential(5_000_000));
    assertThatThrownBy(() -> SimulatedBackendSpec.override(pool, List.of("b7.capacity=2")))
        .hasMessageContaining("names backend 'b7'; the simulated backends are b1..b3");
    assertThatThrownBy(() -> SimulatedBackendSpec.override(pool, List.of("b1.colour=red")))
        .hasMessageContaining("unknown backend property 'colour'");
    assertThatThrownBy(() -> SimulatedBackendSpec.override(pool, List.of("b1.capacity=lots")))
        .hasMessageContaining("backend b1 capacity: 'lots' is not a whole number");
    assertThatThrownBy(() -> SimulatedBackendSpec.override(pool, List.of("capacity=2")))
        .hasMessageContaining("write NAME.KEY=VALUE");
  }

  @Test
  void parsesRealBackendAddresses() {
    assertThat(BackendAddress.parse("127.0.0.1:8081")).isEqualTo(new BackendAddress("127.0.0.1", 8081, 1));
    assertThat(BackendAddress.parse("localhost:80,weight=3")).isEqualTo(new BackendAddress("localhost", 80, 3));
    assertThat(BackendAddress.parse("[::1]:80").name()).isEqualTo("[::1]:80");
    assertThatThrownBy(() -> BackendAddress.parse("127.0.0.1")).hasMessageContaining("has no HOST:PORT");
    assertThatThrownBy(() -> BackendAddress.parse("h:99999")).hasMessageContaining("port must be 1..65535");
    assertThatThrownBy(() -> BackendAddress.parse("h:80,wieght=2")).hasMessageContaining("unknown option");
  }

  @Test
  void durationsRoundTrip() {
    assertThat(Durations.parseNanos("1.5s", "d")).isEqualTo(1_500_000_000L);
    assertThat(Durations.parseNanos("250us", "d")).isEqualTo(250_000L);
    assertThat(Durations.format(1_500_000_000L)).isEqualTo("1.5s");
    assertThat(Durations.format(5_000_000L)).isEqualTo("5ms");
  }
}
