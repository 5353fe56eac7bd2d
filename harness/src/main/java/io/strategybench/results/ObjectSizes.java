package io.strategybench.results;

import org.openjdk.jol.info.GraphLayout;

/** Retained sizes of object graphs, measured with JOL, for the simulators' memory figures. */
public final class ObjectSizes {
  static {
    // JOL reads field offsets through Unsafe, which refuses records; its fallback handles them.
    if (System.getProperty("jol.magicFieldOffset") == null) {
      System.setProperty("jol.magicFieldOffset", "true");
    }
    // JOL prints warnings about the VM on stdout when it first looks at it; keep stdout for results.
    java.io.PrintStream out = System.out;
    try {
      System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      org.openjdk.jol.vm.VM.current();
    } finally {
      System.setOut(out);
    }
  }

  private ObjectSizes() {}

  /** Bytes of {@code root} and of everything it reaches. */
  public static long retained(Object root) {
    return GraphLayout.parseInstance(root).totalSize();
  }
}
