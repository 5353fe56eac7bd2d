package io.strategybench.idempotency;

/**
 * {@code bench serve} options of the idempotency stage: the key's header, whether it is required, the order
 * handler's time and the ledger that counts orders. Declared in {@code IdempotencyOptions.options.yaml}.
 */
record IdempotencyOptions(String header, boolean optional, long processingNanos, String ledger) {
  /** The ledger named by {@code --ledger}. */
  OrderLedger openLedger() {
    return Ledgers.open(ledger, "--ledger");
  }
}
