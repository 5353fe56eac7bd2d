package io.strategybench.cli;

import io.strategybench.backend.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a time-to-live ({@code 30s}, {@code 500ms}, or {@code 0} for none) as nanoseconds; never negative. */
public final class TtlConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String text = value.trim();
    if (text.startsWith("-")) {
      throw new TypeConversionException("'" + value + "' is negative; a time to live is 0 (none) or a positive"
          + " duration such as 500ms or 30s");
    }
    if (text.equals("0")) {
      return 0L;
    }
    try {
      return Durations.parseNanos(text, "'" + value + "'");
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not a duration; write 0 (none) or a number and a unit:"
          + " ns, us, ms, s or m (e.g. 500ms, 30s)");
    }
  }
}
