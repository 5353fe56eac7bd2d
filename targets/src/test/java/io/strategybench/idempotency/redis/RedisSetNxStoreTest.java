package io.strategybench.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.idempotency.Outcome;
import org.junit.jupiter.api.Test;

/** redis-setnx: the contract over three instances, and the lock without fencing losing its key to a slow effect. */
class RedisSetNxStoreTest extends RedisStoreContract {
  @Override
  String strategy() {
    return "redis-setnx";
  }

  /**
   * The positive control: lock TTL 100 ms, the first attempt's effect takes 400 ms, a second attempt starts 200 ms
   * after it on another instance (its own effect quick). The first lock expired unnoticed: two effects, both
   * attempts answer 201, and the slow attempt stores its response over the newer one.
   */
  @Test
  void aSlowEffectLosesItsLockAndTheKeyRunsTwice() throws Exception {
    Race race = race(400, 0);
    assertThat(race.effects()).as("orders created for the key").isEqualTo(2);
    assertThat(race.second()).isInstanceOf(Outcome.Processed.class);
    assertThat(race.first()).isInstanceOf(Outcome.Processed.class);
    assertThat(race.replayed()).as("the slow attempt stored over the newer one")
        .isEqualTo(((Outcome.Processed) race.first()).response())
        .isNotEqualTo(((Outcome.Processed) race.second()).response());
    assertThat(race.fencedOut()).isZero();
  }
}
