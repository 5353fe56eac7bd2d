package io.strategybench.report;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/** Reads HdrHistogram interval logs back into one histogram. */
public final class HistogramLogs {
  private HistogramLogs() {}

  /**
   * Adds up the intervals of {@code file} whose tag {@code keep} accepts (a null tag is passed as "").
   *
   * @return the sum, empty when the file does not exist
   */
  public static Histogram sum(Path file, Predicate<String> keep) {
    Histogram total = new Histogram(3);
    if (file == null || !Files.isRegularFile(file)) {
      return total;
    }
    try {
      HistogramLogReader reader = new HistogramLogReader(file.toFile());
      EncodableHistogram interval;
      while ((interval = reader.nextIntervalHistogram()) != null) {
        if (interval instanceof Histogram h && keep.test(h.getTag() == null ? "" : h.getTag())) {
          total.add(h);
        }
      }
    } catch (FileNotFoundException e) {
      return total;
    }
    return total;
  }

  /** The measured part of a target server's log: every interval after the first {@code /_/reset}. */
  public static Histogram measuredServerLatency(Path file) {
    return sum(file, tag -> !tag.equals("epoch-0"));
  }
}
