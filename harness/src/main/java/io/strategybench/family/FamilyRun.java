package io.strategybench.family;

import java.io.IOException;

/** A family's part of one suite run: its lenses over its chosen strategies, as its plan says. */
public interface FamilyRun {
  /** Seconds it will take on this machine, roughly, for the progress line. */
  double estimateSeconds();

  /**
   * Runs it: adds the family to the results, runs each lens the suite wants for each chosen strategy, keeps the
   * results current after every step, and records a strategy's failure with it rather than stop.
   */
  void run() throws IOException, InterruptedException;
}
