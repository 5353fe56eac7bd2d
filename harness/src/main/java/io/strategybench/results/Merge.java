package io.strategybench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strategybench.server.Json;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Runs of one suite made by several load-generating machines against the same targets, made into one: each
 * load run's client latency logs (HdrHistogram interval logs, nanoseconds) are added up, interval by interval
 * into one log, and the client figures (requests, errors, percentiles, throughput) are computed again from the
 * sum, so the percentiles are those of one histogram of every sample. The server's figures, the simulation
 * and JMH come from the first run (the target is shared; the other lenses do not depend on the generator).
 */
public final class Merge {
  private Merge() {}

  /**
   * Merges {@code runs} (folders) into {@code out}: a copy of the first run with merged client logs and
   * figures; {@code results.json} says which runs it came from.
   */
  public static ObjectNode merge(List<Path> runs, Path out, PrintStream progress) throws IOException {
    if (runs.size() < 2) {
      throw new IllegalArgumentException("merge needs two runs or more, got " + runs.size());
    }
    List<JsonNode> docs = new ArrayList<>();
    for (Path run : runs) {
      if (!Files.isDirectory(run)) {
        throw new IllegalArgumentException(run + " is not a run folder (it needs results.json and its load/ logs)");
      }
      JsonNode doc = Comparison.read(run);
      RunProcess.requireNotKilled(run, doc, "merge", progress::println);
      docs.add(doc);
    }
    String suite = docs.get(0).path("suite").asText();
    for (int i = 1; i < docs.size(); i++) {
      if (!docs.get(i).path("suite").asText().equals(suite)) {
        throw new IllegalArgumentException("runs of different suites cannot merge: " + runs.get(0) + " ran " + suite
            + ", " + runs.get(i) + " ran " + docs.get(i).path("suite").asText());
      }
    }
    if (Files.exists(out) && Files.list(out).findAny().isPresent()) {
      throw new IllegalArgumentException(out + " exists and is not empty; give a new folder for the merged run");
    }
    ResultsWriter.copyRun(runs.get(0), out);
    ObjectNode merged = (ObjectNode) docs.get(0).deepCopy();
    for (JsonNode family : merged.path("families")) {
      for (JsonNode strategy : family.path("strategies")) {
        JsonNode load = strategy.path("load");
        String hlog = load.path("files").path("clientHlog").asText(null);
        if (hlog == null) {
          continue;
        }
        List<Path> logs = new ArrayList<>();
        long ok = 0;
        long ko = 0;
        double throughput = 0;
        for (int i = 0; i < runs.size(); i++) {
          JsonNode other = strategyIn(docs.get(i), family.path("family").asText(), strategy.path("strategy").asText());
          JsonNode client = other == null ? null : other.path("load").path("client");
          if (client == null || client.isMissingNode()) {
            throw new IllegalArgumentException(runs.get(i) + " has no load run of " + family.path("family").asText()
                + "/" + strategy.path("strategy").asText() + "; every run must hold the same load runs");
          }
          logs.add(runs.get(i).resolve(other.path("load").path("files").path("clientHlog").asText()));
          ok += client.path("ok").asLong();
          ko += client.path("ko").asLong();
          throughput += other.path("load").path("throughputRps").asDouble();
        }
        Histogram sum = mergeLogs(logs, out.resolve(hlog));
        ObjectNode client = (ObjectNode) load.path("client");
        client.put("requests", ok + ko);
        client.put("ok", ok);
        client.put("ko", ko);
        client.put("errorRate", ok + ko == 0 ? 0.0 : Math.round((double) ko / (ok + ko) * 1e6) / 1e6);
        if (sum.getTotalCount() > 0) {
          client.put("minMillis", sum.getMinValue() / 1e6);
          client.put("p50Millis", sum.getValueAtPercentile(50) / 1e6);
          client.put("p90Millis", sum.getValueAtPercentile(90) / 1e6);
          client.put("p99Millis", sum.getValueAtPercentile(99) / 1e6);
          client.put("p999Millis", sum.getValueAtPercentile(99.9) / 1e6);
          client.put("maxMillis", sum.getMaxValue() / 1e6);
          client.put("meanMillis", Math.round(sum.getMean() / 1e3) / 1e3);
          client.put("samples", sum.getTotalCount());
        }
        ((ObjectNode) load).put("throughputRps", Math.round(throughput * 1000) / 1000.0);
        progress.printf("merged %s/%s: %d client samples from %d logs%n", family.path("family").asText(),
            strategy.path("strategy").asText(), sum.getTotalCount(), logs.size());
      }
    }
    ArrayNode from = ((ObjectNode) merged.path("environment")).putArray("mergedFrom");
    boolean complete = true;
    for (int i = 0; i < runs.size(); i++) {
      ObjectNode r = from.addObject();
      r.put("run", runs.get(i).toAbsolutePath().normalize().getFileName().toString());
      r.put("startedAt", docs.get(i).path("startedAt").asText());
      r.put("status", docs.get(i).path("status").asText());
      JsonNode host = docs.get(i).path("environment").path("host");
      if (!host.isMissingNode()) {
        r.set("host", host);
      }
      complete &= RunResults.COMPLETE.equals(docs.get(i).path("status").asText());
    }
    merged.put("status", complete ? RunResults.COMPLETE : RunResults.PARTIAL);
    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.resolve(ResultsWriter.FILE).toFile(), merged);
    return merged;
  }

  private static JsonNode strategyIn(JsonNode doc, String family, String strategy) {
    for (JsonNode f : doc.path("families")) {
      if (f.path("family").asText().equals(family)) {
        for (JsonNode s : f.path("strategies")) {
          if (s.path("strategy").asText().equals(strategy)) {
            return s;
          }
        }
      }
    }
    return null;
  }

  /**
   * Writes every interval of every log into {@code target}, in time order, each tagged with its generator
   * ({@code gen-1}, ...; {@code ko-gen-1} for a generator's {@code ko} interval), and returns the sum of their
   * response times (the untagged intervals).
   */
  static Histogram mergeLogs(List<Path> logs, Path target) throws IOException {
    record Interval(double start, int generator, String kind, Histogram histogram) {}
    List<Interval> intervals = new ArrayList<>();
    Histogram sum = new Histogram(3);
    for (int i = 0; i < logs.size(); i++) {
      if (!Files.isRegularFile(logs.get(i))) {
        throw new IllegalArgumentException("client latency log " + logs.get(i) + " is missing");
      }
      try {
        HistogramLogReader reader = new HistogramLogReader(logs.get(i).toFile());
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
          if (h instanceof Histogram histogram) {
            String kind = histogram.getTag() == null ? "" : histogram.getTag();
            if (kind.isEmpty()) {
              sum.add(histogram);
            }
            intervals.add(new Interval(histogram.getStartTimeStamp() / 1000.0, i + 1, kind, histogram));
          }
        }
      } catch (FileNotFoundException e) {
        throw new UncheckedIOException(e);
      }
    }
    intervals.sort(java.util.Comparator.comparingDouble(Interval::start));
    Files.createDirectories(target.getParent());
    try (PrintStream stream = new PrintStream(Files.newOutputStream(target), false, "UTF-8")) {
      HistogramLogWriter writer = new HistogramLogWriter(stream);
      writer.outputComment("StrategyBench client latency, nanoseconds, merged from " + logs.size()
          + " load generators (tag gen-N: the N-th run given to bench merge)");
      writer.outputLogFormatVersion();
      writer.outputLegend();
      for (Interval interval : intervals) {
        interval.histogram().setTag((interval.kind().isEmpty() ? "" : interval.kind() + "-") + "gen-"
            + interval.generator());
        writer.outputIntervalHistogram(interval.histogram());
      }
    }
    return sum;
  }
}
