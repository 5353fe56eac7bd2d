package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live view's figures come from the last second of the client latency log. */
class GatlingRunLiveTest {
  @TempDir
  Path temp;

  @Test
  void theLastIntervalGivesTheCurrentRateAndP99() throws Exception {
    Path log = temp.resolve("client.hlog");
    assertThat(GatlingRun.liveFigures(log)).isEmpty();
    try (PrintStream out = new PrintStream(Files.newOutputStream(log), true, "UTF-8")) {
      HistogramLogWriter writer = new HistogramLogWriter(out);
      writer.outputLogFormatVersion();
      writer.outputLegend();
      for (int second = 0; second < 2; second++) {
        Histogram h = new Histogram(3);
        int count = second == 0 ? 100 : 600;
        for (int i = 0; i < count; i++) {
          // the last second: 99% of requests at 5 ms, 1% at 80 ms
          h.recordValue(second == 0 ? 1_000_000 : (i < 594 ? 5_000_000 : 80_000_000));
        }
        h.setStartTimeStamp(1_700_000_000_000L + second * 1000L);
        h.setEndTimeStamp(1_700_000_001_000L + second * 1000L);
        writer.outputIntervalHistogram(h);
      }
    }
    assertThat(GatlingRun.liveFigures(log)).isEqualTo("now 600 req/s, p99 5 ms");
  }
}
