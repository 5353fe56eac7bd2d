package io.strategybench.lb;

import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * IP hash: the client's address decides its backend, so a client keeps landing on the same one (nginx
 * {@code ip_hash}). The address is the first {@code X-Forwarded-For} hop, else the connection's peer. When
 * the hashed backend is not eligible the address is rehashed, up to 20 times as nginx does, so the client
 * moves to a deterministic alternative and comes back when its backend recovers; after that, round robin.
 *
 * <p>Like nginx's, it is modulo hashing over the backend list: adding or removing a backend moves most
 * clients. (nginx hashes only the first three octets of an IPv4 address; this hashes the whole address.)
 */
@Strategy(name = "ip-hash", summary = "client address hashed to a backend; rehashed while that one is down")
public final class IpHash implements LoadBalancer {
  static final int MAX_REHASH = 20;

  private volatile Backend[] backends = Snapshot.EMPTY;
  private final RoundRobin fallback = new RoundRobin();

  @Override
  public void setBackends(List<? extends Backend> backends) {
    this.backends = Snapshot.of(backends);
    fallback.setBackends(backends);
  }

  @Override
  public Backend pick(LbRequest request) {
    Backend[] current = backends;
    int n = current.length;
    if (n == 0) {
      return null;
    }
    String address = request.clientAddress();
    if (address == null) {
      return fallback.pick(request);
    }
    long hash = Snapshot.hash(address);
    for (int attempt = 0; attempt <= MAX_REHASH; attempt++) {
      Backend candidate = current[(int) Long.remainderUnsigned(hash, n)];
      if (request.eligible(candidate)) {
        return candidate;
      }
      hash = Snapshot.mix(hash + attempt + 1);
    }
    return fallback.pick(request);
  }
}
