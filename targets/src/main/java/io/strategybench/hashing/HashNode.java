package io.strategybench.hashing;

/** A node keys can be mapped to, as a consistent-hashing strategy sees it. */
public interface HashNode {
  /** Unique name; strategies hash it to place the node. */
  String name();

  /** Relative capacity, at least 1; strategies that cannot weigh nodes ignore it. */
  int weight();

  /** A plain node. */
  static HashNode of(String name, int weight) {
    return new SimpleNode(name, weight);
  }

  /** A named node with a weight (a class, not a record, so object-size tools can read its fields). */
  final class SimpleNode implements HashNode {
    private final String name;
    private final int weight;

    SimpleNode(String name, int weight) {
      this.name = name;
      this.weight = weight;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int weight() {
      return weight;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
