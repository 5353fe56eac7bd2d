package io.strategybench.hashing;

import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import java.util.Arrays;
import java.util.List;

/**
 * Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer", NSDI 2016,
 * section 3.4): a lookup table of prime size M filled by letting every node, in turn, claim the next free
 * entry of its own permutation ({@code offset + j x skip mod M}), so each node holds M/N entries up to
 * rounding and a lookup is one array read. Weighted nodes take turns in proportion to their weight. The
 * price is a little extra movement when the set changes, which the paper admits and the simulator measures.
 */
@Strategy(name = "maglev", summary = "Maglev lookup table of prime size (Google, NSDI 2016)")
public final class MaglevHash implements ConsistentHash {
  /** Parameters of {@link MaglevHash}. */
  public static class Settings extends HashSettings {
    @Setting(description = "entries in the lookup table; a prime, at least the number of nodes", min = 2,
        max = 100_000_007)
    public int tableSize = 65_537;

    @Override
    public void validate() {
      if (!isPrime(tableSize)) {
        throw new InvalidParameterException("table-size", "parameter 'table-size' of hashing strategy 'maglev' must"
            + " be a prime (e.g. 65537, 655373), got " + tableSize);
      }
    }
  }

  private static final class Table {
    final HashNode[] nodes;
    final int[] entries;

    Table(HashNode[] nodes, int[] entries) {
      this.nodes = nodes;
      this.entries = entries;
    }
  }

  private final HashFunction hash;
  private final int size;
  private volatile Table table = new Table(new HashNode[0], new int[0]);

  public MaglevHash() {
    this(new Settings());
  }

  public MaglevHash(Settings settings) {
    this.hash = settings.hash;
    this.size = settings.tableSize;
  }

  @Override
  public void setNodes(List<? extends HashNode> list) {
    HashNode[] nodes = list.toArray(new HashNode[0]);
    if (nodes.length > size) {
      throw new InvalidParameterException("table-size", "parameter 'table-size' of hashing strategy 'maglev' ("
          + size + ") must be at least the number of nodes (" + nodes.length + ")");
    }
    table = new Table(nodes, populate(nodes));
  }

  /** The paper's Algorithm 1, with weighted turns. */
  private int[] populate(HashNode[] nodes) {
    int n = nodes.length;
    int[] entries = new int[size];
    if (n == 0) {
      return entries;
    }
    Arrays.fill(entries, -1);
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    for (int i = 0; i < n; i++) {
      offset[i] = Long.remainderUnsigned(hash.hash(nodes[i].name()), size);
      skip[i] = Long.remainderUnsigned(hash.hash(nodes[i].name() + "#skip"), size - 1) + 1;
    }
    int filled = 0;
    while (true) {
      for (int i = 0; i < n; i++) {
        for (int turn = 0; turn < Math.max(1, nodes[i].weight()); turn++) {
          int c = (int) ((offset[i] + next[i] * skip[i]) % size);
          while (entries[c] >= 0) {
            next[i]++;
            c = (int) ((offset[i] + next[i] * skip[i]) % size);
          }
          entries[c] = i;
          next[i]++;
          if (++filled == size) {
            return entries;
          }
        }
      }
    }
  }

  @Override
  public HashNode nodeFor(byte[] key) {
    Table t = table;
    if (t.nodes.length == 0) {
      return null;
    }
    return t.nodes[t.entries[(int) Long.remainderUnsigned(hash.hash(key), size)]];
  }

  /** How many entries of the table each node holds, in node order. */
  public int[] entriesPerNode() {
    Table t = table;
    int[] counts = new int[t.nodes.length];
    if (counts.length == 0) {
      return counts;
    }
    for (int e : t.entries) {
      counts[e]++;
    }
    return counts;
  }

  static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (long d = 3; d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}
