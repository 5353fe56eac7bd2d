package io.strategybench.idempotency;

import io.strategybench.cli.OptionTable;
import io.strategybench.family.FamilyBase;
import io.strategybench.family.StageFactory;
import io.strategybench.strategy.StrategyContext;

/** The idempotency family: which store keeps exactly one effect per idempotency key. */
public final class IdempotencyFamily extends FamilyBase<IdempotencyPlan> {
  public IdempotencyFamily() {
    super(IdempotencyStore.FAMILY, 50, IdempotencyPlan.class, SimulateIdempotencyCommand::new,
        MicroIdempotencyCommand::new, IdempotencyRunner::new, IdempotencySection::new);
  }

  @Override
  protected void check(IdempotencyPlan plan, Problems problems) {
    share(plan.crashAfterEffect(), "crashAfterEffect", problems);
    share(plan.crashHoldingLock(), "crashHoldingLock", problems);
    if (plan.crashAfterEffect() + plan.crashHoldingLock() > 1) {
      problems.at("crashHoldingLock", "crashAfterEffect + crashHoldingLock is a share of the attempts: at most 1,"
          + " got " + (plan.crashAfterEffect() + plan.crashHoldingLock()));
    }
    if (plan.killAt() < 0 || plan.killAt() >= 1) {
      problems.at("killAt", "a share of the measured phase, 0 (no kill) to below 1, got " + plan.killAt());
    }
    for (int i = 0; i < plan.lockTtlMillis().size(); i++) {
      if (plan.lockTtlMillis().get(i) <= 0) {
        problems.at("lockTtlMillis/" + i, "a lock TTL is more than 0 ms, got " + plan.lockTtlMillis().get(i));
      }
    }
  }

  private static void share(double value, String field, Problems problems) {
    if (value < 0 || value > 1) {
      problems.at(field, "a share of the attempts, 0 to 1, got " + value);
    }
  }

  @Override
  public StageFactory stages() {
    return StageFactory.of("in-memory", () -> OptionTable.of(IdempotencyOptions.class).bind(), request -> {
      IdempotencyOptions options = request.options(IdempotencyOptions.class);
      request.strategy().validate(request.params());
      IdempotencyStore store = (IdempotencyStore) request.strategy().create(request.params(),
          StrategyContext.system());
      OrderLedger ledger = store.ownLedger() != null ? store.ownLedger() : options.openLedger();
      IdempotencyStage stage = new IdempotencyStage(store, request.strategy().name(),
          new LedgerEffect(ledger, options.processingNanos()),
          new IdempotencyStage.Config(options.header(), !options.optional(), request.last()));
      return new StageFactory.Built(stage, "orders on POST with " + options.header() + ", "
          + (store.ownLedger() != null ? "orders in the store's database" : "orders counted in " + options.ledger()));
    });
  }
}
