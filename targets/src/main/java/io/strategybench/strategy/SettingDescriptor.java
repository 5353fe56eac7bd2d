package io.strategybench.strategy;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One parameter of a strategy, read from a {@link Setting} field: its name, type, default and range.
 *
 * @param name kebab-case name as typed on the command line
 * @param type value type shown to users ({@code int}, {@code double}, {@code boolean}, {@code string} or
 *     the enum's constants)
 * @param defaultValue the field's initial value, as text
 * @param description what it means
 * @param min smallest allowed value, or -infinity
 * @param max largest allowed value, or +infinity
 */
public record SettingDescriptor(
    String name, String type, String defaultValue, String description, double min, double max) {

  static SettingDescriptor of(Field field, Object defaults) {
    Setting setting = field.getAnnotation(Setting.class);
    Object value;
    try {
      value = field.get(defaults);
    } catch (IllegalAccessException e) {
      throw new StrategyException("setting field " + field + " must be public", e);
    }
    return new SettingDescriptor(
        kebab(field.getName()),
        typeName(field.getType()),
        value instanceof Enum<?> e ? e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') : String.valueOf(value),
        setting.description(),
        setting.min(),
        setting.max());
  }

  /** Allowed range or values in words, for help texts and errors. */
  public String allowed() {
    boolean hasMin = min != Double.NEGATIVE_INFINITY;
    boolean hasMax = max != Double.POSITIVE_INFINITY;
    if (hasMin && hasMax) {
      return format(min) + ".." + format(max);
    } else if (hasMin) {
      return ">= " + format(min);
    } else if (hasMax) {
      return "<= " + format(max);
    }
    return type;
  }

  static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 9e18 ? Long.toString((long) value) : Double.toString(value);
  }

  static String typeName(Class<?> type) {
    if (type.isEnum()) {
      return Arrays.stream(type.getEnumConstants())
          .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-'))
          .collect(Collectors.joining("|"));
    }
    if (type == int.class || type == Integer.class) return "int";
    if (type == long.class || type == Long.class) return "long";
    if (type == double.class || type == Double.class) return "double";
    if (type == boolean.class || type == Boolean.class) return "boolean";
    if (type == String.class) return "string";
    throw new StrategyException("unsupported setting type " + type.getName()
        + "; use int, long, double, boolean, String or an enum");
  }

  /** {@code decayMillis} becomes {@code decay-millis}. */
  static String kebab(String camel) {
    StringBuilder out = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('-').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
