package io.strategybench.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options declared once each: a record holds their values, and a table beside it ({@code Name.options.yaml} in the
 * record's package) gives each component its option name, label, default, range and help. picocli's options,
 * {@code --help}, the range checks with their messages and the typed values all come from that one declaration,
 * as Kafka's {@code ConfigDef} declares a setting once (name, type, default, validator, doc).
 *
 * <p>A table is a YAML map from component name to its entry: {@code option} (default {@code --} and the name in
 * kebab case), {@code label}, {@code default}, {@code help}, {@code kind} ({@code duration} or {@code ttl}: read
 * with {@link NanosConverter} or {@link TtlConverter}), {@code min} and {@code max}, {@code split} (for a list),
 * {@code negatable} (for a flag) and {@code hideDefault}. A component whose type is itself a record with a table
 * brings that table's options in. Table and record must name the same components: {@link #of} says which differ.
 *
 * @param <T> the record of values
 */
public final class OptionTable<T extends Record> {
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private static final Map<Class<?>, OptionTable<?>> TABLES = new ConcurrentHashMap<>();

  /** One declared option. */
  record Entry(String option, String label, String help, String kind, Double min, Double max, String split,
      boolean negatable, boolean hideDefault, Object defaultValue) {
    static Entry read(Map<String, Object> raw) {
      Map<String, Object> m = new LinkedHashMap<>(raw);
      Entry e = new Entry((String) m.remove("option"), (String) m.remove("label"), (String) m.remove("help"),
          (String) m.remove("kind"), number(m.remove("min")), number(m.remove("max")), (String) m.remove("split"),
          Boolean.TRUE.equals(m.remove("negatable")), Boolean.TRUE.equals(m.remove("hideDefault")),
          m.remove("default"));
      if (!m.isEmpty()) {
        throw new IllegalStateException("unknown keys " + m.keySet() + "; an entry takes option, label, default,"
            + " help, kind, min, max, split, negatable and hideDefault");
      }
      return e;
    }

    private static Double number(Object o) {
      return o == null ? null : ((Number) o).doubleValue();
    }
  }

  private final Class<T> type;
  private final Map<String, Entry> entries;
  private final Map<String, OptionTable<?>> nested = new LinkedHashMap<>();

  private OptionTable(Class<T> type, Map<String, Entry> entries) {
    this.type = type;
    this.entries = entries;
    List<String> missing = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      if (c.getType().isRecord() && !entries.containsKey(c.getName())) {
        nested.put(c.getName(), of(c.getType().asSubclass(Record.class)));
      } else if (!entries.containsKey(c.getName())) {
        missing.add(c.getName());
      }
    }
    List<String> extra = new ArrayList<>(entries.keySet());
    extra.removeIf(name -> java.util.Arrays.stream(type.getRecordComponents())
        .anyMatch(c -> c.getName().equals(name)));
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new IllegalStateException(resource(type) + " and " + type.getName() + " differ: components without an"
          + " entry " + missing + ", entries without a component " + extra);
    }
  }

  /** The table of {@code type}, read once from its resource. */
  @SuppressWarnings("unchecked")
  public static <T extends Record> OptionTable<T> of(Class<T> type) {
    OptionTable<?> table = TABLES.get(type);
    if (table == null) {
      table = new OptionTable<>(type, load(type));
      TABLES.putIfAbsent(type, table);
    }
    return (OptionTable<T>) table;
  }

  private static String resource(Class<?> type) {
    return type.getSimpleName() + ".options.yaml";
  }

  private static Map<String, Entry> load(Class<?> type) {
    try (InputStream in = type.getResourceAsStream(resource(type))) {
      if (in == null) {
        throw new IllegalStateException("no option table " + resource(type) + " beside " + type.getName());
      }
      Map<String, Map<String, Object>> raw = YAML.readValue(in, new TypeReference<LinkedHashMap<String,
          Map<String, Object>>>() { });
      Map<String, Entry> entries = new LinkedHashMap<>();
      raw.forEach((name, entry) -> {
        try {
          entries.put(name, Entry.read(entry));
        } catch (RuntimeException e) {
          throw new IllegalStateException(resource(type) + ", " + name + ": " + e.getMessage(), e);
        }
      });
      return entries;
    } catch (IOException e) {
      throw new IllegalStateException(resource(type) + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** A fresh set of these options for one command line. */
  public Bound<T> bind() {
    return new Bound<>(this);
  }

  /** The values of {@code args} read with these options alone (for a test, or a tool built on one table). */
  public T parse(String... args) {
    Bound<T> bound = bind();
    CommandSpec command = CommandSpec.create();
    command.addMixin("options", bound.spec());
    new CommandLine(command).parseArgs(args);
    return bound.values();
  }

  /** The option names in this table and the ones it brings in. */
  public List<String> optionNames() {
    List<String> names = new ArrayList<>();
    entries.forEach((component, e) -> names.add(optionName(component, e)));
    nested.values().forEach(t -> names.addAll(t.optionNames()));
    return names;
  }

  private static String optionName(String component, Entry e) {
    return e.option() != null ? e.option() : "--" + component.replaceAll("([a-z0-9])([A-Z])", "$1-$2")
        .toLowerCase(Locale.ROOT);
  }

  /**
   * One command line's options of a table, as picocli holds them, and their values once parsed.
   *
   * @param <T> the record of values
   */
  public static final class Bound<T extends Record> {
    private final OptionTable<T> table;
    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
    private final Map<String, OptionSpec> options = new LinkedHashMap<>();
    private final Map<String, Bound<?>> nested = new LinkedHashMap<>();

    private Bound(OptionTable<T> table) {
      this.table = table;
      Map<String, Type> types = new LinkedHashMap<>();
      for (RecordComponent c : table.type.getRecordComponents()) {
        types.put(c.getName(), c.getGenericType());
      }
      table.entries.forEach((component, e) -> {
        OptionSpec o = option(optionName(component, e), e, types.get(component));
        options.put(component, o);
        spec.addOption(o);
      });
      table.nested.forEach((component, t) -> {
        Bound<?> inner = t.bind();
        nested.put(component, inner);
        inner.spec.options().forEach(spec::addOption);
      });
    }

    /** The options, to add to a command as a mixin. */
    public CommandSpec spec() {
      return spec;
    }

    /** The values as parsed (defaults where not given), after checking each against its range. */
    public T values() {
      RecordComponent[] components = table.type.getRecordComponents();
      Object[] args = new Object[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        String name = components[i].getName();
        types[i] = components[i].getType();
        Bound<?> inner = nested.get(name);
        args[i] = inner != null ? inner.values() : value(name, table.entries.get(name), types[i]);
      }
      try {
        Constructor<T> canonical = table.type.getDeclaredConstructor(types);
        canonical.setAccessible(true);
        return canonical.newInstance(args);
      } catch (java.lang.reflect.InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(table.type.getName() + " cannot be made from its options: " + e, e);
      }
    }

    private Object value(String component, Entry e, Class<?> type) {
      OptionSpec o = options.get(component);
      Object v = o.getValue();
      if (v == null) {
        if (type == List.class) {
          return List.of();
        }
        if (type == boolean.class || type == Boolean.class) {
          return flagDefault(e);
        }
        if (type.isPrimitive()) {
          return type == double.class ? (Object) 0.0
              : type == long.class ? (Object) 0L : (Object) 0;
        }
        return null;
      }
      if (v instanceof Number n && (e.min() != null || e.max() != null)) {
        checkRange(o.longestName(), n.doubleValue(), e.min(), e.max(), v);
      }
      if (v instanceof List<?> list) {
        return List.copyOf(list);
      }
      return v;
    }
  }

  /**
   * A command some of whose options come from tables: {@link #addTables} adds each to it as a mixin, by the name
   * the map gives.
   */
  public interface Host {
    /** The command's bound tables, the same objects every call. */
    Map<String, Bound<?>> optionTables();
  }

  /** Adds the tables of {@code line}'s command and of its subcommands, at any depth, that are {@link Host}s. */
  public static void addTables(CommandLine line) {
    if (line.getCommand() instanceof Host host) {
      host.optionTables().forEach((name, bound) -> {
        Object present = line.getCommandSpec().mixins().containsKey(name)
            ? line.getCommandSpec().mixins().get(name).userObject() : null;
        if (present == null) {
          line.getCommandSpec().addMixin(name, bound.spec());
        } else if (present != bound) {
          throw new IllegalStateException(line.getCommandName() + " has a mixin named '" + name + "' already;"
              + " name its option table otherwise");
        }
      });
    }
    line.getSubcommands().values().forEach(OptionTable::addTables);
  }

  private static boolean flagDefault(Entry e) {
    return Boolean.parseBoolean(String.valueOf(e.defaultValue()));
  }

  /** Refuses a value out of its range, naming the option, the range and the value. */
  static void checkRange(String option, double value, Double min, Double max, Object shown) {
    boolean low = min != null && value < min;
    boolean high = max != null && value > max;
    if (!low && !high) {
      return;
    }
    String range = min != null && max != null ? plain(min) + " to " + plain(max)
        : min != null ? "at least " + plain(min) : "at most " + plain(max);
    throw new IllegalArgumentException(option + " must be " + range + ", got " + shown);
  }

  private static String plain(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static OptionSpec option(String name, Entry e, Type generic) {
    Class<?> raw = generic instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) generic;
    OptionSpec.Builder b = OptionSpec.builder(name).description(e.help() == null ? "" : e.help());
    if (e.label() != null) {
      b.paramLabel(e.label());
    }
    if (raw == List.class) {
      Class<?> element = (Class<?>) ((ParameterizedType) generic).getActualTypeArguments()[0];
      b.type(List.class).auxiliaryTypes(element);
      if (e.split() != null) {
        b.splitRegex(java.util.regex.Pattern.quote(e.split()));
      }
    } else {
      b.type(raw);
    }
    boolean flag = raw == boolean.class || raw == Boolean.class;
    if (flag) {
      // no default for picocli: with one, it sets --x to the opposite of the default and --no-x to the default,
      // so a flag true by default would be turned off by --x; unset, --x is true and --no-x false
      b.arity("0").negatable(e.negatable());
      b.description(b.description()[0].replace("${DEFAULT-VALUE}", String.valueOf(flagDefault(e))));
    }
    if ("duration".equals(e.kind())) {
      b.converters(new NanosConverter());
    } else if ("ttl".equals(e.kind())) {
      b.converters(new TtlConverter());
    } else if (e.kind() != null) {
      throw new IllegalStateException(name + ": kind is duration or ttl, got '" + e.kind() + "'");
    }
    if (e.defaultValue() != null && !flag) {
      b.defaultValue(String.valueOf(e.defaultValue()));
    }
    if (e.hideDefault()) {
      b.showDefaultValue(Visibility.NEVER);
    }
    if (raw == Path.class || raw == String.class || raw == List.class || raw.isPrimitive()
        || raw == Boolean.class || raw == Integer.class || raw == Long.class || raw == Double.class) {
      return b.build();
    }
    throw new IllegalStateException(name + ": a component of type " + raw.getName() + " cannot be an option");
  }
}
