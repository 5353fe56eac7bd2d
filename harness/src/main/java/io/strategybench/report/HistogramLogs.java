package io.strategybench.report;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/** Reads HdrHistogram interval logs back: into one histogram, or interval by interval. */
public final class HistogramLogs {
  private HistogramLogs() {}

  /**
   * Adds up the intervals of {@code file} whose tag {@code keep} accepts (a null tag is passed as "").
   *
   * @return the sum, empty when the file does not exist
   */
  public static Histogram sum(Path file, Predicate<String> keep) {
    Histogram total = new Histogram(3);
    forEach(file, keep, total::add);
    return total;
  }

  /**
   * Passes each interval of {@code file} whose tag {@code keep} accepts (a null tag is passed as "") to
   * {@code each}, in order; none when the file does not exist.
   */
  public static void forEach(Path file, Predicate<String> keep, Consumer<Histogram> each) {
    if (file == null || !Files.isRegularFile(file)) {
      return;
    }
    try {
      HistogramLogReader reader = new HistogramLogReader(file.toFile());
      EncodableHistogram interval;
      while ((interval = reader.nextIntervalHistogram()) != null) {
        if (interval instanceof Histogram h && keep.test(h.getTag() == null ? "" : h.getTag())) {
          each.accept(h);
        }
      }
    } catch (FileNotFoundException e) {
      // gone since it was looked at: nothing to read
    }
  }

  /**
   * The measured requests of a target server's log: its intervals tagged {@code measured}; a log without them
   * (unlabelled traffic) gives every interval after the first {@code /_/reset}.
   */
  public static Histogram measuredServerLatency(Path file) {
    Histogram measured = sum(file, tag -> tag.equals("measured"));
    return measured.getTotalCount() > 0 ? measured
        : sum(file, tag -> tag.startsWith("epoch-") && !tag.equals("epoch-0"));
  }

  /**
   * The response times of a client latency log: its untagged intervals (not {@code ko}, {@code lag}, ...), or
   * in a merged log those tagged with their generator alone ({@code gen-2}).
   */
  public static Histogram clientLatency(Path file) {
    return sum(file, tag -> tag.isEmpty() || tag.matches("gen-\\d+"));
  }
}
