package io.strategybench.cache;

import java.util.Arrays;
import java.util.List;

/** The trace file formats the cache simulator reads. */
public enum TraceFormat {
  /** The LIRS traces: one non-negative integer key per line; blank lines and lines that are {@code *} skipped. */
  LIRS("lirs", "one non-negative integer key per line (blank lines and '*' skipped)"),
  /** One key per line, any text (an integer is the key itself, other text is hashed); blank lines skipped. */
  LINES("lines", "one key per line, any text; integers are keys, other text is hashed"),
  /** The ARC papers' traces: {@code start count ...}, each line {@code count} requests start..start+count-1. */
  ARC("arc", "'start count ...' per line, expanded into count requests start..start+count-1"),
  /**
   * libCacheSim's {@code oracleGeneral}: 24-byte little-endian records (u32 time, u64 id, u32 size, i64 next
   * access); sizes in bytes.
   */
  ORACLE_GENERAL("oracleGeneral", "libCacheSim binary: 24-byte records u32 time, u64 id, u32 size, i64 next access");

  private final String cliName;
  private final String description;

  TraceFormat(String cliName, String description) {
    this.cliName = cliName;
    this.description = description;
  }

  public String cliName() {
    return cliName;
  }

  public String description() {
    return description;
  }

  /** Whether the format carries object sizes. */
  public boolean hasSizes() {
    return this == ORACLE_GENERAL;
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(TraceFormat::cliName).toList();
  }

  /** @throws IllegalArgumentException naming the valid formats */
  public static TraceFormat named(String name) {
    for (TraceFormat f : values()) {
      if (f.cliName.equalsIgnoreCase(name) || f.name().equalsIgnoreCase(name.replace('-', '_'))) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown trace format '" + name + "'; valid formats: "
        + String.join(", ", names()) + " (" + String.join("; ", Arrays.stream(values())
            .map(f -> f.cliName + ": " + f.description).toList()) + ")");
  }

  @Override
  public String toString() {
    return cliName;
  }
}
