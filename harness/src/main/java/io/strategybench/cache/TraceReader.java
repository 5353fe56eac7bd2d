package io.strategybench.cache;

import io.strategybench.hashing.HashFunction;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a trace file into memory, gzip-compressed or not (told by its first bytes). Every error names the file
 * and, for text formats, the line, and says what was expected there.
 */
public final class TraceReader {
  /** Most requests held in memory (8 bytes each, 16 with sizes). */
  public static final int MAX_REQUESTS = 200_000_000;

  /**
   * Longest line of a text trace, in bytes: a line holds one key or one 'start count' pair, so a longer one means
   * the file is not a trace of that format (one line of a whole file, a binary file); it is refused when read this
   * far, without holding the rest of it.
   */
  public static final int MAX_LINE_BYTES = 64 * 1024;

  private TraceReader() {}

  /** A malformed, truncated or unreadable trace; the message names the file and where. */
  public static final class TraceException extends IOException {
    public TraceException(String message) {
      super(message);
    }

    public TraceException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static Trace read(Path file, TraceFormat format) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new TraceException("trace file " + file + " does not exist or is not a file");
    }
    try (InputStream in = open(file)) {
      return switch (format) {
        case ORACLE_GENERAL -> readOracleGeneral(file, in);
        default -> readText(file, in, format);
      };
    } catch (NoSuchFileException e) {
      throw new TraceException("trace file " + file + " does not exist");
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b1 = raw.read();
    int b2 = raw.read();
    raw.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      try {
        return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
      } catch (ZipException | EOFException e) {
        raw.close();
        throw new TraceException(file + ": corrupt gzip header: " + e.getMessage(), e);
      }
    }
    return raw;
  }

  private static Trace readText(Path file, InputStream in, TraceFormat format) throws IOException {
    LongBuffer keys = new LongBuffer(file);
    Lines reader = new Lines(in, file, format);
    long lineNumber = 0;
    String line;
    try {
      while ((line = reader.next()) != null) {
        lineNumber++;
        String text = line.strip();
        if (text.isEmpty()) {
          continue;
        }
        switch (format) {
          case LIRS -> {
            if (text.equals("*")) {
              continue;
            }
            keys.add(nonNegative(text, file, lineNumber, "a non-negative integer key"));
          }
          case LINES -> keys.add(lineKey(text));
          case ARC -> {
            String[] fields = text.split("\\s+");
            if (fields.length < 2) {
              throw new TraceException(file + ":" + lineNumber + ": expected 'start count ...' (two integers),"
                  + " found '" + abbreviate(text) + "'");
            }
            long start = nonNegative(fields[0], file, lineNumber, "a non-negative start block");
            long count = nonNegative(fields[1], file, lineNumber, "a positive block count");
            if (count < 1) {
              throw new TraceException(file + ":" + lineNumber + ": the block count must be at least 1, found "
                  + count);
            }
            for (long k = 0; k < count; k++) {
              keys.add(start + k);
            }
          }
          default -> throw new IllegalStateException(format.name());
        }
      }
    } catch (ZipException | EOFException e) {
      throw new TraceException(file + ": corrupt or truncated gzip data after line " + lineNumber + " ("
          + e.getMessage() + ")", e);
    }
    if (keys.size() == 0) {
      throw new TraceException(file + ": no requests in " + lineNumber + " line(s); is it a " + format.cliName()
          + " trace (" + format.description() + ")?");
    }
    return new Trace(file.getFileName().toString(), keys.toArray(), null);
  }

  private static long nonNegative(String text, Path file, long line, String what) throws TraceException {
    try {
      long value = Long.parseLong(text);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new TraceException(file + ":" + line + ": expected " + what + ", found '" + abbreviate(text) + "'");
  }

  /** An integer is its own key; any other text is hashed (xxHash64 of its UTF-8 bytes). */
  static long lineKey(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return HashFunction.XXHASH64.hash(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Trace readOracleGeneral(Path file, InputStream in) throws IOException {
    LongBuffer keys = new LongBuffer(file);
    LongBuffer sizes = new LongBuffer(file);
    byte[] record = new byte[24];
    DataInputStream data = new DataInputStream(in);
    long records = 0;
    try {
      while (true) {
        int n = data.readNBytes(record, 0, 24);
        if (n == 0) {
          break;
        }
        if (n < 24) {
          throw new TraceException(file + ": truncated: record " + (records + 1) + " (at byte " + records * 24
              + ") has " + n + " of its 24 bytes; oracleGeneral records are u32 time, u64 id, u32 size, i64 next"
              + " access, little-endian");
        }
        records++;
        long id = littleLong(record, 4);
        long size = littleInt(record, 12) & 0xffffffffL;
        if (size == 0) {
          throw new TraceException(file + ": record " + records + " (at byte " + (records - 1) * 24
              + ") has object size 0; sizes must be at least 1 byte");
        }
        keys.add(id);
        sizes.add(size);
      }
    } catch (ZipException | EOFException e) {
      throw new TraceException(file + ": corrupt or truncated gzip data after record " + records + " ("
          + e.getMessage() + ")", e);
    }
    if (records == 0) {
      throw new TraceException(file + ": empty; an oracleGeneral trace holds 24-byte records");
    }
    return new Trace(file.getFileName().toString(), keys.toArray(), sizes.toArray());
  }

  private static long littleLong(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xffL);
    }
    return v;
  }

  private static int littleInt(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }

  /**
   * The lines of a text trace, as {@link java.io.BufferedReader#readLine} splits them (at LF, CR or CR LF),
   * each decoded as UTF-8; a line longer than {@link #MAX_LINE_BYTES} is an error with its number, found without
   * reading more of it.
   */
  static final class Lines {
    private final InputStream in;
    private final Path file;
    private final TraceFormat format;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private boolean skipLineFeed;
    private byte[] line = new byte[256];
    private int length;
    private long number;

    Lines(InputStream in, Path file, TraceFormat format) {
      this.in = in;
      this.file = file;
      this.format = format;
    }

    /** The next line without its end, or null at the end of the file. */
    String next() throws IOException {
      length = 0;
      boolean any = false;
      while (true) {
        if (position == limit) {
          int n = in.read(buffer, 0, buffer.length);
          if (n <= 0) {
            position = limit = 0;
            if (any) {
              number++;
            }
            return any ? new String(line, 0, length, StandardCharsets.UTF_8) : null;
          }
          position = 0;
          limit = n;
        }
        if (skipLineFeed) {
          skipLineFeed = false;
          if (buffer[position] == '\n') {
            position++;
            continue;
          }
        }
        any = true;
        int start = position;
        while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
          position++;
        }
        append(start, position - start);
        if (position < limit) {
          skipLineFeed = buffer[position] == '\r';
          position++;
          number++;
          return new String(line, 0, length, StandardCharsets.UTF_8);
        }
      }
    }

    private void append(int start, int n) throws TraceException {
      if (length + n > MAX_LINE_BYTES) {
        throw new TraceException(file + ":" + (number + 1) + ": line longer than " + MAX_LINE_BYTES + " bytes (64"
            + " KiB), which no " + format.cliName() + " trace has (" + format.description() + "); check the file and"
            + " its format (--format, or format in a suite's traces)");
      }
      if (length + n > line.length) {
        line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(line.length * 2, length + n)));
      }
      System.arraycopy(buffer, start, line, length, n);
      length += n;
    }
  }

  /** A growing array of longs. */
  private static final class LongBuffer {
    private final Path file;
    private long[] values = new long[1 << 16];
    private int size;

    LongBuffer(Path file) {
      this.file = file;
    }

    void add(long value) throws TraceException {
      if (size == values.length) {
        if (size >= MAX_REQUESTS) {
          throw new TraceException(file + ": more than " + MAX_REQUESTS + " requests; replay a part of it");
        }
        values = Arrays.copyOf(values, (int) Math.min((long) size * 2, MAX_REQUESTS));
      }
      values[size++] = value;
    }

    int size() {
      return size;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
