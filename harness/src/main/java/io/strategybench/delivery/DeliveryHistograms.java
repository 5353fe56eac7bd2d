package io.strategybench.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/** The event-to-client latency log of a load run (HdrHistogram, microseconds), read whole. */
final class DeliveryHistograms {
  private DeliveryHistograms() {}

  /** Every interval of the log added up; empty when there is no log. */
  static Histogram read(Path log) throws IOException {
    Histogram total = new Histogram(3);
    if (!Files.exists(log)) {
      return total;
    }
    try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        if (h instanceof Histogram histogram) {
          total.add(histogram);
        }
      }
    }
    return total;
  }

  /** The {@code percentile}th latency in milliseconds, or null when nothing was recorded. */
  static Double percentileMillis(Path log, double percentile) throws IOException {
    Histogram h = read(log);
    return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
