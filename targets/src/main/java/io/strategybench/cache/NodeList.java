package io.strategybench.cache;

/**
 * A queue of {@link Node}s, oldest first: {@link #first()} is the LRU (or FIFO head) end, {@link #last()} the
 * most recently added or used. O(1) add, remove and move; keeps the count and the sum of the weights.
 */
final class NodeList {
  private Node first;
  private Node last;
  private int size;
  private long weight;

  Node first() {
    return first;
  }

  Node last() {
    return last;
  }

  int size() {
    return size;
  }

  long weight() {
    return weight;
  }

  boolean isEmpty() {
    return first == null;
  }

  /** Appends {@code node} (not in any list) at the newest end. */
  void addLast(Node node) {
    node.list = this;
    node.next = null;
    node.prev = last;
    if (last == null) {
      first = node;
    } else {
      last.next = node;
    }
    last = node;
    size++;
    weight += node.weight;
  }

  /** Unlinks {@code node}, which must be in this list. */
  void remove(Node node) {
    Node p = node.prev;
    Node n = node.next;
    if (p == null) {
      first = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      last = p;
    } else {
      n.prev = p;
    }
    node.prev = null;
    node.next = null;
    node.list = null;
    size--;
    weight -= node.weight;
  }

  /** Moves {@code node}, in this list, to the newest end. */
  void moveToLast(Node node) {
    if (node != last) {
      remove(node);
      addLast(node);
    }
  }

  /** Removes and returns the oldest node, or null. */
  Node pollFirst() {
    Node node = first;
    if (node != null) {
      remove(node);
    }
    return node;
  }

  void clear() {
    first = null;
    last = null;
    size = 0;
    weight = 0;
  }
}
