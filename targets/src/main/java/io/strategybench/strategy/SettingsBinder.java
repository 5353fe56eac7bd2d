package io.strategybench.strategy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a {@link StrategySettings} object from text values: defaults first, then each given value parsed,
 * range-checked and assigned, then {@link StrategySettings#validate()}. Every failure names the parameter
 * and says what would be valid.
 */
public final class SettingsBinder {
  private SettingsBinder() {}

  /** The parameters a settings class declares, in declaration order. */
  public static List<SettingDescriptor> describe(Class<? extends StrategySettings> type) {
    StrategySettings defaults = instantiate(type);
    List<SettingDescriptor> out = new ArrayList<>();
    for (Field field : settingFields(type).values()) {
      out.add(SettingDescriptor.of(field, defaults));
    }
    return out;
  }

  /**
   * Binds {@code values} (kebab-case name to text) onto a new settings object.
   *
   * @param owner what the settings belong to, for messages ({@code strategy 'peak-ewma'})
   */
  public static <T extends StrategySettings> T bind(Class<T> type, Map<String, String> values, String owner) {
    T settings = instantiate(type);
    Map<String, Field> fields = settingFields(type);
    for (Map.Entry<String, String> entry : values.entrySet()) {
      Field field = fields.get(entry.getKey());
      if (field == null) {
        throw new InvalidParameterException(entry.getKey(), owner + " has no parameter '" + entry.getKey() + "'"
            + (fields.isEmpty() ? "; it takes none" : "; valid parameters: " + String.join(", ", fields.keySet())));
      }
      assign(settings, field, entry.getKey(), entry.getValue(), owner);
    }
    settings.validate();
    return settings;
  }

  private static void assign(Object target, Field field, String name, String text, String owner) {
    SettingDescriptor descriptor = SettingDescriptor.of(field, target);
    Class<?> type = field.getType();
    String where = "parameter '" + name + "' of " + owner;
    Object value;
    try {
      if (type == int.class || type == Integer.class) {
        value = Integer.parseInt(text.trim());
      } else if (type == long.class || type == Long.class) {
        value = Long.parseLong(text.trim());
      } else if (type == double.class || type == Double.class) {
        value = Double.parseDouble(text.trim());
        if (!Double.isFinite((Double) value)) {
          throw new NumberFormatException();
        }
      } else if (type == boolean.class || type == Boolean.class) {
        value = parseBoolean(text, where);
      } else if (type == String.class) {
        value = text;
      } else if (type.isEnum()) {
        value = parseEnum(type, text, where, descriptor);
      } else {
        throw new StrategyException("unsupported setting type " + type.getName());
      }
    } catch (NumberFormatException e) {
      throw new InvalidParameterException(name, where + ": '" + text + "' is not a valid "
          + descriptor.type() + "; allowed: " + descriptor.allowed());
    }
    if (value instanceof Number number) {
      double v = number.doubleValue();
      if (v < descriptor.min() || v > descriptor.max()) {
        throw new InvalidParameterException(name, where + " must be in " + descriptor.allowed() + ", got " + text);
      }
    }
    try {
      field.set(target, value);
    } catch (IllegalAccessException e) {
      throw new StrategyException(where + ": field is not writable", e);
    }
  }

  private static boolean parseBoolean(String text, String where) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new InvalidParameterException(where, where + ": '" + text + "' is not a boolean; use true or false");
    };
  }

  private static Object parseEnum(Class<?> type, String text, String where, SettingDescriptor descriptor) {
    String wanted = text.trim().replace('-', '_');
    for (Object constant : type.getEnumConstants()) {
      if (((Enum<?>) constant).name().equalsIgnoreCase(wanted)) {
        return constant;
      }
    }
    throw new InvalidParameterException(where, where + ": '" + text + "' is not one of " + descriptor.type());
  }

  private static Map<String, Field> settingFields(Class<?> type) {
    Map<String, Field> fields = new LinkedHashMap<>();
    for (Field field : type.getFields()) {
      if (field.isAnnotationPresent(Setting.class) && !Modifier.isStatic(field.getModifiers())) {
        if (Modifier.isFinal(field.getModifiers())) {
          throw new StrategyException("setting " + type.getName() + "." + field.getName() + " must not be final");
        }
        SettingDescriptor.typeName(field.getType()); // fails early on an unsupported type
        fields.put(SettingDescriptor.kebab(field.getName()), field);
      }
    }
    return fields;
  }

  private static <T> T instantiate(Class<T> type) {
    try {
      return type.getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new StrategyException("settings class " + type.getName() + " needs a public no-argument constructor", e);
    }
  }
}
