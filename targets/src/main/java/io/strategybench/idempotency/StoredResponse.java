package io.strategybench.idempotency;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The response an attempt produced, as stored and replayed: status and body bytes, nothing else.
 *
 * @param status the HTTP status (a 5xx is stored and replayed too, as Stripe does)
 * @param body the body, {@code application/json}
 */
public record StoredResponse(int status, byte[] body) {
  /** A JSON response. */
  public static StoredResponse json(int status, String json) {
    return new StoredResponse(status, json.getBytes(StandardCharsets.UTF_8));
  }

  /** The body as text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredResponse r && r.status == status && Arrays.equals(r.body, body);
  }

  @Override
  public int hashCode() {
    return 31 * status + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return status + " " + text();
  }
}
