package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.strategy.ManualClock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TrackedBackendTest {
  private final ManualClock clock = new ManualClock();
  private final HealthPolicy policy = new HealthPolicy(3, TimeUnit.SECONDS.toNanos(10), true, 0,
      TimeUnit.MILLISECONDS.toNanos(500), "/", 2, 3);
  private final TrackedBackend backend = new TrackedBackend("b1", 1, policy, clock);

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      backend.dispatched();
      backend.finished(false);
    }
  }

  @Test
  void isEjectedAfterMaxFailsConsecutiveFailuresForTheEjectTime() {
    fail(2);
    assertThat(backend.isAvailable()).isTrue();
    fail(1);
    assertThat(backend.isAvailable()).isFalse();
    assertThat(backend.state()).isEqualTo("ejected");
    assertThat(backend.ejectionCount()).isEqualTo(1);
    clock.advance(TimeUnit.SECONDS.toNanos(10) - 1);
    assertThat(backend.isAvailable()).isFalse();
    clock.advance(1);
    assertThat(backend.isAvailable()).isTrue();
    assertThat(backend.state()).isEqualTo("up");
  }

  @Test
  void aSuccessResetsTheFailureStreak() {
    fail(2);
    backend.dispatched();
    backend.finished(true);
    fail(2);
    assertThat(backend.isAvailable()).isTrue();
  }

  @Test
  void activeProbesTakeItDownAfterFallFailuresAndUpAfterRiseSuccesses() {
    backend.probed(false);
    backend.probed(false);
    assertThat(backend.isAvailable()).isTrue();
    assertThat(backend.probed(false)).isTrue();
    assertThat(backend.isAvailable()).isFalse();
    assertThat(backend.state()).isEqualTo("down");
    assertThat(backend.probed(true)).isFalse();
    assertThat(backend.isAvailable()).isFalse();
    assertThat(backend.probed(true)).isTrue();
    assertThat(backend.isAvailable()).isTrue();
  }

  @Test
  void countsInFlightAndItsPeak() {
    backend.dispatched();
    backend.dispatched();
    backend.dispatched();
    backend.finished(true);
    assertThat(backend.inFlight()).isEqualTo(2);
    assertThat(backend.peakInFlight()).isEqualTo(3);
    assertThat(backend.dispatchedWhileUnavailableCount()).isZero();
    fail(3);
    backend.dispatched();
    assertThat(backend.dispatchedWhileUnavailableCount()).as("a dispatch the health rules forbid is counted").isEqualTo(1);
  }

  @Test
  void passiveHealthCanBeTurnedOff() {
    TrackedBackend lenient = new TrackedBackend("b2", 1,
        new HealthPolicy(0, 1, true, 0, 1, "/", 1, 1), clock);
    for (int i = 0; i < 100; i++) {
      lenient.dispatched();
      lenient.finished(false);
    }
    assertThat(lenient.isAvailable()).isTrue();
  }

  @Test
  void panicSetsHealthAsideOnceFewerThanTheThresholdOfBackendsAreAvailable() {
    HealthPolicy panicking = policy.withPanicThreshold(0.5);
    java.util.List<TrackedBackend> four = new java.util.ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      four.add(new TrackedBackend("b" + i, 1, panicking, clock));
    }
    assertThat(panicking.panics(four)).isFalse();
    for (int i = 0; i < 3; i++) {
      TrackedBackend b = four.get(i);
      for (int f = 0; f < 3; f++) {
        b.dispatched();
        b.finished(false);
      }
      // two of four down is half, not fewer than half; three is
      assertThat(panicking.panics(four)).as("%d of 4 ejected", i + 1).isEqualTo(i == 2);
    }
    assertThat(panicking.withPanicThreshold(0).panics(four)).as("threshold 0: never").isFalse();
    four.get(3).dispatched(true);
    assertThat(four.get(3).dispatchedWhileUnavailableCount()).isZero();
    four.get(0).dispatched(true);
    assertThat(four.get(0).dispatchedInPanicCount()).as("an ejected backend used in panic").isEqualTo(1);
    assertThat(four.get(0).dispatchedWhileUnavailableCount()).isZero();
    four.get(0).dispatched(false);
    assertThat(four.get(0).dispatchedWhileUnavailableCount()).as("outside panic it breaks the health rules")
        .isEqualTo(1);
    clock.advance(TimeUnit.SECONDS.toNanos(10));
    assertThat(panicking.panics(four)).as("the ejections ended").isFalse();
  }

  @Test
  void aPanicThresholdOutsideZeroToOneIsRefusedWithTheRange() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> policy.withPanicThreshold(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..1");
  }
}
