package io.strategybench.cache;

/**
 * A resident (or ghost) key in one of a policy's queues: an intrusive doubly-linked list node, so moving a key
 * within or between queues allocates nothing. Each policy uses the fields it needs.
 */
final class Node {
  final long key;
  final long weight;
  Node prev;
  Node next;
  NodeList list;
  /** Access count (LFU, S3-FIFO), or a policy's own small state. */
  int freq;
  /** Reference or visited bit (CLOCK, SIEVE). */
  boolean visited;

  Node(long key, long weight) {
    this.key = key;
    this.weight = weight;
  }

  @Override
  public String toString() {
    return key + (visited ? "*" : "") + (freq != 0 ? "#" + freq : "");
  }
}
