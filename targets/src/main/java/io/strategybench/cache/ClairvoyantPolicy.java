package io.strategybench.cache;

/**
 * A policy that needs to know the future: Belady's optimal replacement, the upper bound any real policy is
 * measured against. Only the simulator can run it, because only a trace knows when each key comes again; the
 * micro and load lenses skip it.
 */
public interface ClairvoyantPolicy extends CachePolicy {
  /** Marks a value of {@link #nextAccess} for a key that is never requested again. */
  long NEVER = Long.MAX_VALUE;

  /**
   * Called before each request with the position in the trace of the next request for the same key, or
   * {@link #NEVER}.
   */
  void nextAccess(long position);
}
