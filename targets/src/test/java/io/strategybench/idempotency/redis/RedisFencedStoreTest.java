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
   * The positive control as the issue states it: lock TTL 100 ms, both effects take 400 ms, so the stale attempt's
   * order (token 1) reaches the ledger 200 ms before the newer one's (token 2). A fence the ledger learned only from
   * effects would let it through (two orders, measured before the owner announced its token); announced when the
   * second attempt took the lock, token 2 refuses it: one order, the stale attempt fenced, the newer one processed.
   */
  @Test
  void aStaleEffectIsFencedOutEvenWhenItLandsFirst() throws Exception {
    Race race = race(400, 400);
    assertThat(race.effects()).as("orders created for the key").isEqualTo(1);
    assertThat(race.first()).isInstanceOf(Outcome.Fenced.class);
    assertThat(race.second()).isInstanceOf(Outcome.Processed.class);
    assertThat(race.fencedOut()).as("refused by the ledger").isEqualTo(1);
    assertThat(race.replayed()).isEqualTo(((Outcome.Processed) race.second()).response());
  }
}
