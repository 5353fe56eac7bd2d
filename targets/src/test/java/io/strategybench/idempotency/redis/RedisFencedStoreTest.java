package io.strategybench.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.idempotency.Outcome;
import org.junit.jupiter.api.Test;

/**
 * redis-fenced: the contract over three instances, the fencing token stopping a slow attempt whose lock expired,
 * and what fencing cannot stop.
 */
class RedisFencedStoreTest extends RedisStoreContract {
  @Override
  String strategy() {
    return "redis-fenced";
  }

  /**
   * The positive control, as for redis-setnx: lock TTL 100 ms, the first attempt's effect takes 400 ms, a second
   * attempt starts 200 ms after it on another instance and creates its order at once with token 2. The first
   * attempt's order then comes with token 1: the ledger refuses it, one effect, the first attempt is fenced.
   */
  @Test
  void theSlowAttemptsEffectIsFencedOutByTheLedger() throws Exception {
    Race race = race(400, 0);
    assertThat(race.effects()).as("orders created for the key").isEqualTo(1);
    assertThat(race.second()).isInstanceOf(Outcome.Processed.class);
    assertThat(race.first()).isInstanceOf(Outcome.Fenced.class);
    assertThat(race.fencedOut()).as("refused by the ledger").isEqualTo(1);
    assertThat(race.replayed()).isEqualTo(((Outcome.Processed) race.second()).response());
  }

  /**
   * The limit of a fence checked where the effect lands: when both effects take 400 ms, the stale attempt's order
   * (token 1) reaches the ledger 200 ms before the newer one's (token 2), when no higher token was seen, and is
   * created. Two effects; the stale attempt is fenced at the store (its response not stored), the newer one stores
   * its response though its own lock expired meanwhile (no attempt began after it: the counter is still its token).
   */
  @Test
  void aStaleEffectThatLandsFirstIsNotFencedOut() throws Exception {
    Race race = race(400, 400);
    assertThat(race.effects()).as("orders created for the key").isEqualTo(2);
    assertThat(race.first()).isInstanceOf(Outcome.Fenced.class);
    assertThat(race.second()).isInstanceOf(Outcome.Processed.class);
    assertThat(race.fencedOut()).isZero();
    assertThat(race.replayed()).isEqualTo(((Outcome.Processed) race.second()).response());
  }
}
