package io.strategybench.cli;

import io.strategybench.backend.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a duration option ({@code 500ms}, {@code 10s}) as nanoseconds. */
public final class NanosConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    try {
      return Durations.parseNanos(value, "'" + value + "'");
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not a duration; write a number and a unit:"
          + " ns, us, ms, s or m (e.g. 500ms, 10s)");
    }
  }
}
