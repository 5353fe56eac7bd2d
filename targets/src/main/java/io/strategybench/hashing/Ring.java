package io.strategybench.hashing;

import java.util.Arrays;
import java.util.List;

/**
 * Points on a 64-bit hash circle, sorted, each owned by a node: the shared structure of the ring-based
 * strategies. Positions are compared unsigned (stored with the sign bit flipped, so a signed binary search
 * works).
 */
final class Ring {
  final long[] points;
  final int[] owners;
  final HashNode[] nodes;

  private Ring(long[] points, int[] owners, HashNode[] nodes) {
    this.points = points;
    this.owners = owners;
    this.nodes = nodes;
  }

  static final Ring EMPTY = new Ring(new long[0], new int[0], new HashNode[0]);

  /** {@code pointsPerWeight} points for each unit of each node's weight, at {@code hash(name#i)}. */
  static Ring build(List<? extends HashNode> list, HashFunction hash, int pointsPerWeight) {
    HashNode[] nodes = list.toArray(new HashNode[0]);
    int total = 0;
    for (HashNode node : nodes) {
      total += pointsPerWeight * Math.max(1, node.weight());
    }
    long[] points = new long[total];
    int[] owners = new int[total];
    int p = 0;
    for (int n = 0; n < nodes.length; n++) {
      int count = pointsPerWeight * Math.max(1, nodes[n].weight());
      for (int i = 0; i < count; i++) {
        points[p] = hash.hash(nodes[n].name() + "#" + i) ^ Long.MIN_VALUE;
        owners[p] = n;
        p++;
      }
    }
    sort(points, owners, 0, total - 1);
    return new Ring(points, owners, nodes);
  }

  /** Sorts points (and their owners with them) by point, then owner: a quicksort on the two arrays. */
  private static void sort(long[] points, int[] owners, int low, int high) {
    while (high - low > 16) {
      int mid = (low + high) >>> 1;
      long pivot = points[mid];
      int pivotOwner = owners[mid];
      int i = low;
      int j = high;
      while (i <= j) {
        while (less(points[i], owners[i], pivot, pivotOwner)) {
          i++;
        }
        while (less(pivot, pivotOwner, points[j], owners[j])) {
          j--;
        }
        if (i <= j) {
          swap(points, owners, i++, j--);
        }
      }
      if (j - low < high - i) {
        sort(points, owners, low, j);
        low = i;
      } else {
        sort(points, owners, i, high);
        high = j;
      }
    }
    for (int i = low + 1; i <= high; i++) {
      for (int k = i; k > low && less(points[k], owners[k], points[k - 1], owners[k - 1]); k--) {
        swap(points, owners, k, k - 1);
      }
    }
  }

  private static boolean less(long a, int ownerA, long b, int ownerB) {
    return a < b || (a == b && ownerA < ownerB);
  }

  private static void swap(long[] points, int[] owners, int a, int b) {
    long point = points[a];
    points[a] = points[b];
    points[b] = point;
    int owner = owners[a];
    owners[a] = owners[b];
    owners[b] = owner;
  }

  /** The same points, owned by other node objects in the same order. */
  Ring withNodes(HashNode[] others) {
    return new Ring(points, owners, others);
  }

  /** Index of the first point at or after {@code position} (unsigned), wrapping to 0. */
  int successor(long position) {
    long key = position ^ Long.MIN_VALUE;
    int i = Arrays.binarySearch(points, key);
    if (i < 0) {
      i = -i - 1;
    }
    return i == points.length ? 0 : i;
  }

  /** Distance from {@code position} forward to the point at {@code index}, unsigned, around the circle. */
  long distance(long position, int index) {
    return (points[index] ^ Long.MIN_VALUE) - position;
  }

  boolean isEmpty() {
    return points.length == 0;
  }
}
