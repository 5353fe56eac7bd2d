package io.strategybench.idempotency;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The order service's work: after {@code processingNanos} (the handler's own time, spent off the I/O thread),
 * creates an order in the ledger and answers {@code 201 {"order": ID, "key": KEY}}.
 */
public final class LedgerEffect implements Effect {
  private final OrderLedger ledger;
  private final long processingNanos;
  private final Executor later;

  public LedgerEffect(OrderLedger ledger, long processingNanos) {
    this.ledger = ledger;
    this.processingNanos = processingNanos;
    this.later = processingNanos > 0 ? CompletableFuture.delayedExecutor(processingNanos, TimeUnit.NANOSECONDS)
        : Runnable::run;
  }

  @Override
  public CompletionStage<StoredResponse> apply(String key, long fence) {
    return CompletableFuture.supplyAsync(() -> key, later)
        .thenCompose(k -> ledger.create(k, fence))
        .thenApply(id -> id < 0 ? null : created(id, key));
  }

  @Override
  public CompletionStage<Void> announce(String key, long fence) {
    return ledger.announce(key, fence);
  }

  @Override
  public long processingNanos() {
    return processingNanos;
  }

  @Override
  public StoredResponse created(long id, String key) {
    return StoredResponse.json(201, "{\"order\":" + id + ",\"key\":\"" + jsonEscape(key) + "\"}");
  }

  /** The ledger the effects go to. */
  public OrderLedger ledger() {
    return ledger;
  }

  static String jsonEscape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
