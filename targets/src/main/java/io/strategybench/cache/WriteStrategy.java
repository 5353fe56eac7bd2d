package io.strategybench.cache;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the cache stage keeps the cache and the origin (the database) in step when clients write, and who fills
 * the cache on a miss. A write is acknowledged to the client at the point each strategy names; a read after an
 * acknowledged write that returns an older version is a stale read, and the stage counts them.
 */
public enum WriteStrategy {
  /**
   * Lazy loading: a miss reads the origin and fills the cache, each request on its own; a write updates the
   * origin, then deletes the key from the cache. A read that missed before the write can put the old value back
   * after the delete: the well-known race, counted as stale reads.
   */
  CACHE_ASIDE("cache-aside", "miss: read the origin and fill; write: update the origin, then delete the key"),
  /**
   * The cache loads misses itself, one load per key at a time (concurrent misses wait for it), and drops a load
   * that a write overtook; a write updates the origin, then deletes the key.
   */
  READ_THROUGH("read-through", "the cache loads misses, one load per key; write: update the origin, then delete"),
  /**
   * A write updates the origin and then the cache before it is acknowledged; fills never overwrite a newer
   * version. No stale read after an acknowledged write.
   */
  WRITE_THROUGH("write-through", "write: update the origin, then the cache, then acknowledge; fills never go back"),
  /**
   * A write updates the cache and is acknowledged at once; the origin gets it later, batched, every flush
   * interval. Fast writes, less origin load; a crash before a flush loses every acknowledged write since the last
   * one, which the stage counts.
   */
  WRITE_BEHIND("write-behind", "write: update the cache, acknowledge, flush to the origin in batches later"),
  /**
   * A write goes to the origin only; the cache keeps its copy until it expires. Cheap writes, stale reads until
   * the TTL runs out.
   */
  WRITE_AROUND("write-around", "write: update the origin only; the cached copy stays until it expires");

  private final String cliName;
  private final String summary;

  WriteStrategy(String cliName, String summary) {
    this.cliName = cliName;
    this.summary = summary;
  }

  public String cliName() {
    return cliName;
  }

  public String summary() {
    return summary;
  }

  /** Whether concurrent misses of one key share one load (a loading cache). */
  public boolean coalescesLoads() {
    return this == READ_THROUGH;
  }

  /** Whether a fill is dropped when the origin has moved on since it was read. */
  public boolean versionedFills() {
    return this == READ_THROUGH || this == WRITE_THROUGH || this == WRITE_BEHIND;
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(WriteStrategy::cliName).toList();
  }

  /** @throws IllegalArgumentException naming the valid strategies */
  public static WriteStrategy named(String name) {
    for (WriteStrategy w : values()) {
      if (w.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown write strategy '" + name + "'; valid write strategies: "
        + String.join(", ", names()));
  }
}
