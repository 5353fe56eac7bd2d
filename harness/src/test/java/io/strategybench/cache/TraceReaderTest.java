package io.strategybench.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.strategybench.family.FamilyModules;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace formats read back what was written, the shared sprite trace gives the README's reference hits in
 * every format, oracleGeneral's byte weights against a brute-force byte-weighted LRU, bad input named by file and
 * line or record, the synthetic workloads' shapes, capacity forms, and next-access positions.
 */
class TraceReaderTest {
  /** The README's sprite rows: capacity, LRU, FIFO, LFU hits. */
  private static final long[][] SPRITE_REFERENCE = {
      {100, 28917, 29885, 8669},
      {200, 53435, 53871, 12011},
      {400, 94834, 88624, 39238},
      {800, 118650, 113214, 73148},
  };
  private static final String[] POLICIES = {"lru", "fifo", "lfu"};

  private static StrategyRegistry registry;

  @TempDir
  Path dir;

  @BeforeAll
  static void loadRegistry() {
    registry = FamilyModules.builtIn().registry();
  }

  private static CacheSimulationResult simulate(String policy, Trace trace, long capacity, boolean bytes) {
    StrategyDescriptor<CachePolicy> d = registry.strategy(CachePolicy.FAMILY, policy);
    return CacheSimulator.run(d, Map.of(), trace, capacity, bytes, null, 1);
  }

  private static double round6(long part, long whole) {
    return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 6, RoundingMode.HALF_UP).doubleValue();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  /** One key per line, with empty and whitespace-only lines mixed in. */
  private static byte[] linesForm(long[] keys) {
    StringBuilder text = new StringBuilder("\n");
    for (int i = 0; i < keys.length; i++) {
      text.append(keys[i]).append('\n');
      if (i % 7 == 3) {
        text.append('\n');
      }
      if (i % 11 == 5) {
        text.append("   \t\n");
      }
    }
    return text.append("\n\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Runs of consecutive keys k, k+1, ... merged into 'start count' records, with two ignored fields after. */
  private static List<String> arcForm(long[] keys) {
    List<String> lines = new ArrayList<>();
    int i = 0;
    while (i < keys.length) {
      long start = keys[i];
      int count = 1;
      while (i + count < keys.length && keys[i + count] == start + count) {
        count++;
      }
      lines.add(start + " " + count + " 0 " + (lines.size() + 1));
      i += count;
    }
    return lines;
  }

  /** 24-byte little-endian records: u32 time, u64 id, u32 size, i64 next access (-1: never). */
  private static byte[] oracleGeneral(long[] ids, long[] sizes) {
    long[] next = new Trace("ids", ids, null).nextAccess();
    ByteBuffer buffer = ByteBuffer.allocate(24 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < ids.length; i++) {
      buffer.putInt(1_600_000_000 + i);
      buffer.putLong(ids[i]);
      buffer.putInt((int) sizes[i]);
      buffer.putLong(next[i] == ClairvoyantPolicy.NEVER ? -1 : next[i]);
    }
    return buffer.array();
  }

  // ---------------------------------------------------------------------------------------- shared sprite trace

  @Test
  void linesAndArcFormsOfTheSharedTracesSpriteReadBackAsTheLirsKeysAndGiveTheReadmeHits() throws Exception {
    Trace lirs = SharedTraces.read("sprite");
    assertThat(lirs.requests()).isEqualTo(133_996);
    long[] keys = lirs.keys();

    Path plain = dir.resolve("sprite.lines");
    Files.write(plain, linesForm(keys));
    Path gzipped = dir.resolve("sprite.lines.gz");
    Files.write(gzipped, gzip(linesForm(keys)));
    Path arc = dir.resolve("sprite.arc");
    List<String> arcLines = arcForm(keys);
    assertThat(arcLines.size()).as("sprite has runs of consecutive blocks to merge").isLessThan(keys.length);
    Files.write(arc, arcLines);

    Map<String, Trace> traces = new java.util.LinkedHashMap<>();
    traces.put("lirs", lirs);
    traces.put("lines", TraceReader.read(plain, TraceFormat.LINES));
    traces.put("lines.gz", TraceReader.read(gzipped, TraceFormat.LINES));
    traces.put("arc", TraceReader.read(arc, TraceFormat.ARC));
    for (Map.Entry<String, Trace> t : traces.entrySet()) {
      assertThat(t.getValue().keys()).as(t.getKey()).isEqualTo(keys);
      assertThat(t.getValue().hasSizes()).as(t.getKey()).isFalse();
    }
    assertThat(traces.get("lines.gz").name()).isEqualTo("sprite.lines.gz");

    List<String> mismatches = new ArrayList<>();
    for (Map.Entry<String, Trace> t : traces.entrySet()) {
      for (long[] row : SPRITE_REFERENCE) {
        for (int p = 0; p < POLICIES.length; p++) {
          CacheSimulationResult r = simulate(POLICIES[p], t.getValue(), row[0], false);
          if (r.hits() != row[1 + p] || r.requests() != keys.length) {
            mismatches.add(POLICIES[p] + " at " + row[0] + " on " + t.getKey() + ": " + r.hits() + " hits of "
                + r.requests() + ", README " + row[1 + p]);
          }
        }
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void oracleGeneralWithAllSizesOneEqualsTheLirsResultOnTheSharedTracesSprite() throws Exception {
    Trace lirs = SharedTraces.read("sprite");
    long[] ones = new long[lirs.requests()];
    Arrays.fill(ones, 1);
    Path file = dir.resolve("sprite.oracleGeneral");
    Files.write(file, oracleGeneral(lirs.keys(), ones));
    Trace oracle = TraceReader.read(file, TraceFormat.ORACLE_GENERAL);
    assertThat(oracle.keys()).isEqualTo(lirs.keys());
    assertThat(oracle.hasSizes()).isTrue();
    assertThat(oracle.footprintBytes()).isEqualTo(7075);
    for (long[] row : SPRITE_REFERENCE) {
      for (int p = 0; p < POLICIES.length; p++) {
        CacheSimulationResult entries = simulate(POLICIES[p], oracle, row[0], false);
        CacheSimulationResult bytes = simulate(POLICIES[p], oracle, row[0], true);
        assertThat(entries.hits()).as(POLICIES[p] + " at " + row[0] + " entries").isEqualTo(row[1 + p])
            .isEqualTo(simulate(POLICIES[p], lirs, row[0], false).hits());
        assertThat(bytes.hits()).as(POLICIES[p] + " at " + row[0] + " bytes of size 1").isEqualTo(row[1 + p]);
        assertThat(bytes.bytesHit()).isEqualTo(row[1 + p]);
        assertThat(bytes.capacityUnit()).isEqualTo("bytes");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- oracleGeneral

  /** Byte-weighted LRU the slow, obvious way: hits and bytes hit. */
  private static long[] bruteForceByteLru(long[] keys, long[] sizes, long capacity) {
    List<Long> order = new ArrayList<>(); // least recent first
    Map<Long, Long> resident = new HashMap<>();
    long used = 0;
    long hits = 0;
    long bytesHit = 0;
    for (int i = 0; i < keys.length; i++) {
      Long key = keys[i];
      if (resident.containsKey(key)) {
        hits++;
        bytesHit += sizes[i];
        order.remove(key);
        order.add(key);
        continue;
      }
      if (sizes[i] > capacity) {
        continue; // can never fit: not admitted, nothing evicted
      }
      while (used + sizes[i] > capacity) {
        Long victim = order.remove(0);
        used -= resident.remove(victim);
      }
      order.add(key);
      resident.put(key, sizes[i]);
      used += sizes[i];
    }
    return new long[] {hits, bytesHit};
  }

  @Test
  void oracleGeneralRecordsReadBackExactlyAndByteCapacityLruMatchesABruteForceTwin() throws Exception {
    SplittableRandom random = new SplittableRandom(20240611);
    int objects = 300;
    long[] ids = new long[objects];
    long[] objectSizes = new long[objects];
    Set<Long> seen = new HashSet<>();
    for (int j = 0; j < objects; j++) {
      long id;
      do {
        id = j < 100 ? random.nextLong() : random.nextLong(1_000_000); // high bits set, and small ids
      } while (!seen.add(id));
      ids[j] = id;
      objectSizes[j] = 1 + random.nextInt(20_000);
    }
    objectSizes[7] = 300_000; // above the capacity: never admitted
    objectSizes[11] = 3_000_000_000L; // above 2^31: the size is unsigned
    int requests = 20_000;
    long[] keys = new long[requests];
    long[] sizes = new long[requests];
    for (int i = 0; i < requests; i++) {
      double u = random.nextDouble();
      int j = (int) (objects * u * u); // skewed toward the first objects
      keys[i] = ids[j];
      sizes[i] = objectSizes[j];
    }
    Path file = dir.resolve("random.oracleGeneral");
    Files.write(file, oracleGeneral(keys, sizes));
    assertThat(Files.size(file)).isEqualTo(24L * requests);
    Trace trace = TraceReader.read(file, TraceFormat.ORACLE_GENERAL);
    assertThat(trace.keys()).isEqualTo(keys);
    assertThat(trace.sizes()).isEqualTo(sizes);
    assertThat(trace.sizes()).contains(3_000_000_000L);

    Path gz = dir.resolve("random.oracleGeneral.gz");
    Files.write(gz, gzip(Files.readAllBytes(file)));
    Trace fromGzip = TraceReader.read(gz, TraceFormat.ORACLE_GENERAL);
    assertThat(fromGzip.keys()).isEqualTo(keys);
    assertThat(fromGzip.sizes()).isEqualTo(sizes);

    Capacity capacity = Capacity.parse("250KB", trace, "--capacity");
    assertThat(capacity).isEqualTo(new Capacity(250_000, true));
    long bytesRequested = Arrays.stream(sizes).sum();
    for (long cap : new long[] {capacity.value(), 60_000, 1_000_000}) {
      long[] twin = bruteForceByteLru(keys, sizes, cap);
      CacheSimulationResult r = simulate("lru", trace, cap, true);
      assertThat(r.capacityUnit()).isEqualTo("bytes");
      assertThat(r.requests()).isEqualTo(requests);
      assertThat(twin[0]).as("the workload has hits at " + cap).isPositive();
      assertThat(r.hits()).as("hits at " + cap + " bytes").isEqualTo(twin[0]);
      assertThat(r.bytesHit()).as("bytes hit at " + cap + " bytes").isEqualTo(twin[1]);
      assertThat(r.bytesRequested()).isEqualTo(bytesRequested);
      assertThat(r.hitRatio()).isCloseTo(round6(twin[0], requests), within(1e-12));
      assertThat(r.byteHitRatio()).isCloseTo(round6(twin[1], bytesRequested), within(1e-12));
      assertThat(r.byteHitRatio()).as("bytes weigh differently from requests").isNotEqualTo(r.hitRatio());
    }
  }

  // ------------------------------------------------------------------------------------------------- bad input

  private void assertReadFails(Path file, TraceFormat format, String... parts) {
    assertThatThrownBy(() -> TraceReader.read(file, format)).as(file + " as " + format)
        .isInstanceOf(TraceReader.TraceException.class).isInstanceOf(IOException.class)
        .hasMessageContainingAll(parts);
  }

  @Test
  void badInputNamesTheFileAndTheLineOrRecordAndWhatWasExpected() throws Exception {
    Path word = dir.resolve("word.lirs");
    Files.writeString(word, "1\n2\n\n*\nabc\n4\n");
    assertReadFails(word, TraceFormat.LIRS, word.toString(), ":5:", "abc", "non-negative integer");

    Path negative = dir.resolve("negative.lirs");
    Files.writeString(negative, "10\n-3\n");
    assertReadFails(negative, TraceFormat.LIRS, negative.toString(), ":2:", "-3", "non-negative integer");

    Path oneField = dir.resolve("one-field.arc");
    Files.writeString(oneField, "100 4 0 1\n200\n");
    assertReadFails(oneField, TraceFormat.ARC, oneField.toString(), ":2:", "start count", "200");

    Path zeroCount = dir.resolve("zero-count.arc");
    Files.writeString(zeroCount, "100 4 0 1\n\n7 2 0 2\n300 0 0 3\n");
    assertReadFails(zeroCount, TraceFormat.ARC, zeroCount.toString(), ":4:", "at least 1", "found 0");

    Path truncated = dir.resolve("truncated.oracleGeneral");
    byte[] three = oracleGeneral(new long[] {1, 2, 3}, new long[] {10, 20, 30});
    Files.write(truncated, Arrays.copyOf(three, 24 * 2 + 10));
    assertReadFails(truncated, TraceFormat.ORACLE_GENERAL, truncated.toString(), "truncated", "record 3",
        "10 of its 24 bytes");

    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 50_000; i++) {
      many.append(i * 7919L % 100_003).append('\n');
    }
    byte[] whole = gzip(many.toString().getBytes(StandardCharsets.US_ASCII));
    Path cut = dir.resolve("cut.trace.gz");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> TraceReader.read(cut, TraceFormat.LIRS)).isInstanceOf(IOException.class)
        .hasMessageContaining(cut.toString()).hasMessageContaining("gzip")
        .message().containsAnyOf("corrupt", "truncated");
    Path cutOracle = dir.resolve("cut.oracleGeneral.gz");
    byte[] records = gzip(oracleGeneral(new long[] {5, 6, 7, 5, 6, 7, 8}, new long[] {1, 2, 3, 1, 2, 3, 4}));
    Files.write(cutOracle, Arrays.copyOf(records, records.length / 2));
    assertThatThrownBy(() -> TraceReader.read(cutOracle, TraceFormat.ORACLE_GENERAL)).isInstanceOf(IOException.class)
        .hasMessageContaining(cutOracle.toString()).hasMessageContaining("gzip");
    Path header = dir.resolve("header.gz");
    Files.write(header, new byte[] {0x1f, (byte) 0x8b, 8});
    assertReadFails(header, TraceFormat.LIRS, header.toString(), "gzip");

    Path empty = dir.resolve("empty.lirs");
    Files.write(empty, new byte[0]);
    assertReadFails(empty, TraceFormat.LIRS, empty.toString(), "no requests");
    Path blank = dir.resolve("blank.lirs");
    Files.writeString(blank, "\n  \n*\n\n");
    assertReadFails(blank, TraceFormat.LIRS, blank.toString(), "no requests", "4 line(s)");
    assertReadFails(empty, TraceFormat.ORACLE_GENERAL, empty.toString(), "empty");

    Path missing = dir.resolve("no-such.trace.gz");
    assertReadFails(missing, TraceFormat.LIRS, missing.toString(), "does not exist");
    assertReadFails(dir, TraceFormat.LIRS, dir.toString(), "not a file");

    assertThatThrownBy(() -> TraceFormat.named("csv")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("'csv'", "lirs", "lines", "arc", "oracleGeneral");
    assertThat(TraceFormat.named("oracleGeneral")).isEqualTo(TraceFormat.ORACLE_GENERAL);
    assertThat(TraceFormat.named("LIRS")).isEqualTo(TraceFormat.LIRS);
  }

  @Test
  void linesFormatHashesTextKeysConsistently() throws Exception {
    Path file = dir.resolve("text.lines");
    Files.writeString(file, "user:1\n  user:2  \n\nuser:1\n42\n");
    Trace trace = TraceReader.read(file, TraceFormat.LINES);
    assertThat(trace.requests()).isEqualTo(4);
    assertThat(trace.keys()[0]).isEqualTo(trace.keys()[2]).isNotEqualTo(trace.keys()[1]);
    assertThat(trace.keys()[3]).isEqualTo(42);
    assertThat(trace.distinctKeys()).isEqualTo(3);
  }

  // ------------------------------------------------------------------------------------------------- workloads

  @Test
  void theSameSpecAndSeedGiveTheSameKeys() {
    for (String spec : List.of("zipf:keys=5000,requests=20000", "hotspot:keys=1000,requests=20000",
        "zipf-scan:keys=2000,requests=20000,scan-length=100")) {
      long[] a = Workloads.generate(spec, 42).keys();
      long[] b = Workloads.generate(spec, 42).keys();
      long[] c = Workloads.generate(spec, 43).keys();
      assertThat(a).as(spec).hasSize(20_000).isEqualTo(b);
      assertThat(c).as(spec + " with another seed").isNotEqualTo(a);
    }
  }

  @Test
  void zipfRankFrequenciesFollowOneOverKToTheS() {
    Trace trace = Workloads.generate("zipf:s=0.99,keys=1000,requests=500000", 7);
    long[] counts = new long[1000];
    for (long k : trace.keys()) {
      assertThat(k).isBetween(0L, 999L);
      counts[(int) k]++;
    }
    double expected = Math.pow(10, 0.99); // (rank 9 + 1)^s / (rank 0 + 1)^s
    double ratio = (double) counts[0] / counts[9];
    assertThat(ratio).as("rank 0 / rank 9").isBetween(expected * 0.8, expected * 1.2);
    double ratio99 = (double) counts[0] / counts[99];
    assertThat(ratio99).as("rank 0 / rank 99").isBetween(Math.pow(100, 0.99) * 0.8, Math.pow(100, 0.99) * 1.2);
    Trace uniform = Workloads.generate("zipf:s=0,keys=1000,requests=500000", 7);
    long[] flat = new long[1000];
    for (long k : uniform.keys()) {
      flat[(int) k]++;
    }
    assertThat((double) flat[0] / flat[9]).as("s=0 is uniform").isBetween(0.8, 1.25);
  }

  @Test
  void loopIsExactlyCyclicAndScanKeysAreAllDistinct() {
    Trace loop = Workloads.generate("loop:keys=37,requests=1000", 1);
    long[] keys = loop.keys();
    assertThat(keys).hasSize(1000);
    assertThat(Arrays.stream(keys, 0, 37).distinct().count()).isEqualTo(37);
    for (int i = 37; i < keys.length; i++) {
      assertThat(keys[i]).as("request " + i).isEqualTo(keys[i - 37]);
    }
    assertThat(loop.distinctKeys()).isEqualTo(37);

    Trace scan = Workloads.generate("scan:requests=5000", 1);
    assertThat(scan.requests()).isEqualTo(5000);
    assertThat(scan.distinctKeys()).isEqualTo(5000);
  }

  @Test
  void zipfScanHasTheRequestedShareOfScanKeys() {
    for (double share : new double[] {0.2, 0.3, 0.5}) {
      Trace trace = Workloads.generate("zipf-scan:s=0.99,keys=5000,requests=200000,scan-share=" + share
          + ",scan-length=700", 3);
      long scanKeys = Arrays.stream(trace.keys()).filter(k -> k >= 5000).count();
      assertThat(scanKeys * 100.0 / trace.requests()).as("scan share " + share).isCloseTo(share * 100, within(1.0));
      Set<Long> distinctScanKeys = new LinkedHashSet<>();
      Arrays.stream(trace.keys()).filter(k -> k >= 5000).forEach(distinctScanKeys::add);
      assertThat(distinctScanKeys).as("every scan key is new").hasSize((int) scanKeys);
    }
  }

  @Test
  void badWorkloadSpecsNameTheParameterOrTheValidNames() {
    assertThatThrownBy(() -> Workloads.generate("zipf:s=abc,requests=10", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("zipf", "s must be a number", "abc");
    assertThatThrownBy(() -> Workloads.generate("nosuch", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("'nosuch'", "zipf", "scan", "loop", "hotspot", "zipf-scan");
    assertThatThrownBy(() -> Workloads.generate("zipf:foo=1", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("foo=1", "s=", "keys=", "requests=");
  }

  // -------------------------------------------------------------------------------------------------- capacity

  @Test
  void capacityFormsAndTheirErrors() {
    long[] keys = new long[2000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i % 400;
    }
    Trace unsized = new Trace("unsized", keys, null);
    long[] sizes = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      sizes[i] = 100 + keys[i];
    }
    Trace sized = new Trace("sized", keys, sizes);
    long footprint = 0;
    for (int k = 0; k < 400; k++) {
      footprint += 100 + k;
    }

    assertThat(Capacity.parse("1000", unsized, "--capacity")).isEqualTo(new Capacity(1000, false));
    assertThat(Capacity.parse("1000", sized, "--capacity")).isEqualTo(new Capacity(1000, false));
    assertThat(Capacity.parse("64MiB", sized, "--capacity")).isEqualTo(new Capacity(67_108_864, true));
    assertThat(Capacity.parse("5%", unsized, "--capacity")).isEqualTo(new Capacity(20, false));
    assertThat(Capacity.parse("5%", sized, "--capacity")).isEqualTo(new Capacity(Math.round(footprint * 0.05), true));

    assertThatThrownBy(() -> Capacity.parse("64MiB", unsized, "--capacity"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("--capacity", "64MiB", "unsized",
            "no object sizes");
    for (String bad : new String[] {"0", "-1", "abc"}) {
      assertThatThrownBy(() -> Capacity.parse(bad, unsized, "--capacity")).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("--capacity", "'" + bad + "'");
    }
    assertThatThrownBy(() -> Capacity.parse("0", unsized, "--size")).hasMessageContaining("--size")
        .hasMessageContaining("at least 1");
  }

  // ----------------------------------------------------------------------------------------------- next access

  @Test
  void nextAccessMatchesABruteForceSearch() {
    SplittableRandom random = new SplittableRandom(99);
    long[] keys = new long[3000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = random.nextInt(150) * 1_000_003L - 70_000_000L; // negative keys too
    }
    long[] next = new Trace("random", keys, null).nextAccess();
    assertThat(next).hasSize(keys.length);
    int never = 0;
    for (int i = 0; i < keys.length; i++) {
      long expected = ClairvoyantPolicy.NEVER;
      for (int j = i + 1; j < keys.length; j++) {
        if (keys[j] == keys[i]) {
          expected = j;
          break;
        }
      }
      if (expected == ClairvoyantPolicy.NEVER) {
        never++;
      }
      assertThat(next[i]).as("request " + i).isEqualTo(expected);
    }
    assertThat(never).as("one last request per distinct key").isEqualTo(new Trace("r", keys, null).distinctKeys());
  }

  @Test
  void aLineLongerThanTheLimitIsRefusedWithItsNumberWithoutHoldingIt() throws Exception {
    // one 32 MB line, gzipped to a few tens of KB: before the limit, reading it built the whole line (2 bytes a char)
    byte[] x = new byte[1 << 20];
    Arrays.fill(x, (byte) 'x');
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write("\n  \n".getBytes(StandardCharsets.US_ASCII)); // blank lines, skipped by every format
      for (int i = 0; i < 32; i++) {
        out.write(x);
      }
      out.write('\n');
    }
    Path huge = dir.resolve("one-line.trace.gz");
    Files.write(huge, bytes.toByteArray());
    assertThat(Files.size(huge)).isLessThan(1 << 20);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (TraceFormat format : List.of(TraceFormat.LINES, TraceFormat.LIRS, TraceFormat.ARC)) {
      assertReadFails(huge, format, huge.toString() + ":3:", "line longer than 65536 bytes",
          "which no " + format.cliName() + " trace has (" + format.description() + ")");
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated reading a 32 MB line three times").isLessThan(8L << 20);

    // a line of exactly the limit is a key like any other
    Path longest = dir.resolve("longest.lines");
    Files.writeString(longest, "a".repeat(TraceReader.MAX_LINE_BYTES) + "\nb\n");
    assertThat(TraceReader.read(longest, TraceFormat.LINES).keys()).containsExactly(
        TraceReader.lineKey("a".repeat(TraceReader.MAX_LINE_BYTES)), TraceReader.lineKey("b"));
  }

  @Test
  void linesSplitAsBufferedReaderSplitsThemAtLfCrAndCrLfAcrossBufferEdges() throws Exception {
    StringBuilder text = new StringBuilder();
    SplittableRandom random = new SplittableRandom(7);
    String[] ends = {"\n", "\r", "\r\n", "\n\n", "\r\r\n"};
    while (text.length() < 300_000) {
      // lines of every length up to 300 bytes, so line ends land on and around the reader's 64 KiB buffer edges
      text.append("k\u00e9y".repeat(random.nextInt(60))).append(random.nextInt(1000)).append(ends[random.nextInt(ends.length)]);
    }
    text.append("last-without-end");
    byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
    List<String> expected = new java.io.BufferedReader(new java.io.StringReader(text.toString())).lines().toList();
    TraceReader.Lines lines = new TraceReader.Lines(new java.io.ByteArrayInputStream(data), dir, TraceFormat.LINES);
    List<String> actual = new ArrayList<>();
    for (String line = lines.next(); line != null; line = lines.next()) {
      actual.add(line);
    }
    assertThat(actual).hasSize(expected.size()).isEqualTo(expected);
  }
}
