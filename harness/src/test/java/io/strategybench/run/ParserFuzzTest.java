package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.cache.TraceFormat;
import io.strategybench.cache.TraceReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fuzzing pass over the suite and trace parsers, with fixed seeds: the built-in suites and small valid traces,
 * mutated (bytes flipped, interesting bytes inserted, lines deleted, doubled or cut off). Each mutation must be
 * read, or refused with the parser's own error (a suite: an IllegalArgumentException that names the file and
 * says what is wrong in words; a trace: a TraceException naming the file) - never another exception, never
 * Java text in the message.
 */
class ParserFuzzTest {
  private static final byte[] INTERESTING = {0, '\t', '\n', '\r', ' ', ':', '-', '[', '{', '"', '\'', '#', '&', '*',
      '!', '%', '@', '`', '|', '>', '9', (byte) 0xC3, (byte) 0xE9, (byte) 0xFF};

  @TempDir
  Path dir;

  @Test
  void mutatedSuiteFilesAreReadOrRefusedInWords() throws Exception {
    SplittableRandom random = new SplittableRandom(20261203L);
    Map<String, Integer> outcomes = new TreeMap<>();
    String[] suites = {"quick", "lb", "hashing", "ratelimit", "cache", "gateway"};
    for (int i = 0; i < 400; i++) {
      String name = suites[random.nextInt(suites.length)];
      byte[] original;
      try (InputStream in = getClass().getClassLoader().getResourceAsStream("suites/" + name + ".yaml")) {
        original = in.readAllBytes();
      }
      byte[] mutated = mutate(original, random);
      Path file = dir.resolve("fuzz-" + i + ".yaml");
      Files.write(file, mutated);
      String outcome;
      try {
        SuiteFiles.load(file.toString());
        outcome = "read";
      } catch (IllegalArgumentException e) {
        assertThat(e).as("case %d (%s): a refusal in words", i, name).isNotInstanceOf(NumberFormatException.class);
        assertThat(e.getMessage()).as("case %d (%s)", i, name).contains(file.toString())
            .doesNotContain("Exception").doesNotContain("java.").doesNotContain("com.fasterxml");
        outcome = "refused";
      } catch (RuntimeException e) {
        throw new AssertionError("case " + i + " (" + name + ", " + file + "): " + e, e);
      }
      outcomes.merge(outcome, 1, Integer::sum);
    }
    assertThat(outcomes).as("both outcomes reached").containsKeys("read", "refused");
  }

  /** Found by the suite fuzz (seed 20261203, case 378): an empty checks list or check was a NullPointerException. */
  @Test
  void anEmptyChecksListOrCheckIsRefusedWithItsLine() throws Exception {
    String quick;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("suites/quick.yaml")) {
      quick = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String stripped = quick.replaceAll("(?ms)^checks:.*?(?=^lb:)", ""); // the checks list only
    for (String checks : new String[] {"checks:\n", "checks:\n  -\n"}) {
      Path file = dir.resolve("empty-checks.yaml");
      Files.writeString(file, stripped + checks);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> SuiteFiles.load(file.toString()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty").hasMessageContaining("line ")
          .hasMessageNotContaining("missing");
    }
  }

  @Test
  void mutatedTracesAreReadOrRefusedWithTheirFile() throws Exception {
    SplittableRandom random = new SplittableRandom(20261204L);
    StringBuilder lirs = new StringBuilder();
    StringBuilder lines = new StringBuilder();
    StringBuilder arc = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      lirs.append(random.nextInt(50)).append('\n');
      lines.append(i % 3 == 0 ? "key-" + random.nextInt(40) : String.valueOf(random.nextInt(40))).append('\n');
      arc.append(random.nextInt(100)).append(' ').append(1 + random.nextInt(4)).append(" 0 1\n");
    }
    java.nio.ByteBuffer oracle = java.nio.ByteBuffer.allocate(24 * 100).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 100; i++) {
      oracle.putInt(i).putLong(random.nextInt(30)).putInt(100).putLong(-1);
    }
    Map<TraceFormat, byte[]> valid = Map.of(TraceFormat.LIRS, lirs.toString().getBytes(StandardCharsets.US_ASCII),
        TraceFormat.LINES, lines.toString().getBytes(StandardCharsets.US_ASCII),
        TraceFormat.ARC, arc.toString().getBytes(StandardCharsets.US_ASCII), TraceFormat.ORACLE_GENERAL,
        oracle.array());
    Map<String, Integer> outcomes = new TreeMap<>();
    TraceFormat[] formats = TraceFormat.values();
    for (int i = 0; i < 400; i++) {
      TraceFormat format = formats[random.nextInt(formats.length)];
      byte[] mutated = mutate(valid.get(format), random);
      boolean gzip = random.nextInt(3) == 0;
      Path file = dir.resolve("trace-" + i + (gzip ? ".gz" : ""));
      if (gzip) {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
          out.write(mutated);
        }
        byte[] z = zipped.toByteArray();
        Files.write(file, random.nextInt(4) == 0 ? java.util.Arrays.copyOf(z, random.nextInt(z.length)) : z);
      } else {
        Files.write(file, mutated);
      }
      String outcome;
      try {
        TraceReader.read(file, format);
        outcome = "read";
      } catch (TraceReader.TraceException e) {
        assertThat(e.getMessage()).as("case %d (%s)", i, format).contains(file.getFileName().toString())
            .doesNotContain("Exception");
        outcome = "refused";
      } catch (Exception e) {
        throw new AssertionError("case " + i + " (" + format + (gzip ? ", gzip" : "") + "): " + e, e);
      }
      outcomes.merge(outcome, 1, Integer::sum);
    }
    assertThat(outcomes).as("both outcomes reached").containsKeys("read", "refused");
  }

  private static byte[] mutate(byte[] bytes, SplittableRandom random) {
    byte[] current = bytes;
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int at = random.nextInt(current.length + 1);
      switch (random.nextInt(6)) {
        case 0 -> {
          byte[] copy = current.clone();
          if (at < copy.length) {
            copy[at] ^= (byte) (1 << random.nextInt(8));
          }
          current = copy;
          continue;
        }
        case 1 -> {
          out.write(current, 0, at);
          out.write(INTERESTING[random.nextInt(INTERESTING.length)]);
          out.write(current, at, current.length - at);
        }
        case 2 -> { // delete a line, or a piece
          int end = at;
          while (end < current.length && current[end] != '\n') {
            end++;
          }
          end = Math.min(current.length, end + 1);
          out.write(current, 0, at);
          out.write(current, end, current.length - end);
        }
        case 3 -> { // double a piece
          int length = Math.min(current.length - at, 1 + random.nextInt(40));
          out.write(current, 0, at + length);
          out.write(current, at, current.length - at);
        }
        case 4 -> { // a number grown huge or negative
          out.write(current, 0, at);
          out.writeBytes((random.nextBoolean() ? "-" : "99999999999999999999").getBytes(StandardCharsets.US_ASCII));
          out.write(current, at, current.length - at);
        }
        default -> out.write(current, 0, at);
      }
      current = out.toByteArray();
    }
    return current;
  }
}
