package io.strategybench.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a suite on the console: one line per step with the time since the start and an estimate of
 * what is left; on a terminal, the current step's line is updated in place (rate, requests done).
 */
public final class Progress {
  private final PrintStream out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private double totalEstimate;
  private double doneEstimate;
  private double stepEstimate;
  private String current = "";
  private boolean dirty;

  public Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** Adds the expected duration of a part of the run (a family), in seconds, to the expected total. */
  public synchronized void plan(double seconds) {
    totalEstimate += seconds;
  }

  /** Starts a step expected to take {@code seconds}. */
  public synchronized void step(String what, double seconds) {
    doneEstimate += stepEstimate;
    stepEstimate = seconds;
    current = what;
    endLine();
    out.print(line(""));
    dirty = true;
    if (!terminal) {
      out.println();
      dirty = false;
    }
    out.flush();
  }

  /** Adds detail to the current step (on a terminal only, in place). */
  public synchronized void update(String detail) {
    if (!terminal || detail == null || detail.isBlank()) {
      return;
    }
    out.print("\r" + line(" " + detail) + "\u001b[K");
    out.flush();
    dirty = true;
  }

  /** A line that stays (a result, a warning). */
  public synchronized void note(String text) {
    endLine();
    out.println(text);
    out.flush();
  }

  public synchronized double elapsedSeconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  private String line(String detail) {
    double elapsed = elapsedSeconds();
    double left = Math.max(0, totalEstimate - doneEstimate - stepEstimate) + stepEstimate;
    return String.format(Locale.ROOT, "[%4.0fs] %s%s  (~%.0fs left)", elapsed, current, detail, left);
  }

  private void endLine() {
    if (dirty) {
      out.println();
      dirty = false;
    }
  }
}
