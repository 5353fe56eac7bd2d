package io.strategybench.cache;

/**
 * One cached answer of the cache stage: a version of the key's value, or the fact that the key does not exist.
 *
 * @param version the version read
 * @param negative whether the origin said the key does not exist
 * @param expiresAt when it expires, by {@link System#nanoTime()} ({@code Long.MAX_VALUE}: never)
 * @param staleUntil until when it may be served stale while refreshed
 * @param fetchNanos how long reading it took (XFetch's delta)
 */
record Entry(long version, boolean negative, long expiresAt, long staleUntil, long fetchNanos) {}
