package io.strategybench.run;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.strategybench.backend.ServiceTime;
import io.strategybench.cache.WriteStrategy;
import io.strategybench.cache.Workloads;
import io.strategybench.ratelimit.Arrivals;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Suites as YAML files: the built-in ones ship in the jar ({@code suites/NAME.yaml}, from
 * {@code scenarios/suites/}), and {@code bench run} takes a path to any other. The file maps field by field onto
 * {@link Suite} and its family plans; it is validated whole before anything runs, and every problem is reported
 * with the file, the line, the field's path and what would be valid: a field that does not exist (with the valid
 * names), one that is missing (with its type), a value of the wrong type, a number out of range, a mode or a
 * distribution that does not parse.
 */
public final class SuiteFiles {
  /** Built-in suites, in the order {@code bench suites} lists them. */
  public static final List<String> BUILT_IN = List.of("quick", "lb", "hashing", "ratelimit", "cache", "full");

  /** Marks a record component a suite file may leave out. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Optional {}

  /** Marks a record a suite file gives as one value (a {@link Rate}: {@code 600} or {@code 40%}). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  public @interface Scalar {
    /** What the value looks like, for error messages. */
    String value();
  }

  /** A suite file that does not validate: every problem, each with its line and field. */
  public static final class SuiteFileException extends IllegalArgumentException {
    private final List<String> problems;

    SuiteFileException(String source, List<String> problems) {
      super("suite file " + source + " is not valid:\n  " + String.join("\n  ", byLine(problems)));
      this.problems = byLine(problems);
    }

    /** The problems in the order of their lines. */
    private static List<String> byLine(List<String> problems) {
      List<String> sorted = new ArrayList<>(problems);
      sorted.sort(java.util.Comparator.comparingInt(p -> p.matches("line \\d+:.*")
          ? Integer.parseInt(p.substring(5, p.indexOf(':'))) : 0));
      return List.copyOf(sorted);
    }

    public List<String> problems() {
      return problems;
    }
  }

  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private static final Set<String> STAMPEDE = Set.of("none", "single-flight", "xfetch", "lock-stale");
  private static final Set<String> PENETRATION = Set.of("none", "negative-cache", "bloom");
  private static final Set<String> AVALANCHE = Set.of("none", "jitter", "cold", "preload");

  private SuiteFiles() {}

  /** A built-in suite by name, or a suite file by path. */
  public static Suite load(String nameOrPath) {
    if (BUILT_IN.contains(nameOrPath)) {
      return builtIn(nameOrPath);
    }
    boolean looksLikeAPath = nameOrPath.contains("/") || nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml");
    Path file = Path.of(nameOrPath);
    if (looksLikeAPath || Files.isRegularFile(file)) {
      try {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("suite file " + nameOrPath + " does not exist; give a built-in suite ("
            + String.join(", ", BUILT_IN) + ") or the path of a YAML suite file");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read suite file " + nameOrPath, e);
      }
    }
    throw new IllegalArgumentException("unknown suite '" + nameOrPath + "'; valid suite names: "
        + String.join(", ", BUILT_IN.stream().sorted().toList()) + " (or the path of a YAML suite file)");
  }

  /** The built-in suite {@code name}, from the jar. */
  public static Suite builtIn(String name) {
    String resource = "suites/" + name + ".yaml";
    try (InputStream in = SuiteFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the built-in suite " + resource + " is missing from the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The suite a YAML text describes; {@code source} names it in errors. */
  public static Suite parse(String text, String source) {
    Map<String, Integer> lines;
    Map<String, String> values = new LinkedHashMap<>();
    try {
      lines = lines(text, values);
    } catch (JsonProcessingException e) {
      throw new SuiteFileException(source, List.of(at(e.getLocation()) + "not YAML: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!lines.containsKey("")) {
      throw new SuiteFileException(source, List.of("line 1: the file is empty; a suite has at least name, description"
          + " and one family (lb, hashing, ratelimit, cache)"));
    }
    List<String> problems = new ArrayList<>();
    missing(Suite.class, "", lines, problems);
    if (!problems.isEmpty()) {
      throw new SuiteFileException(source, problems);
    }
    Suite suite;
    try {
      suite = YAML.readValue(text, Suite.class);
    } catch (JsonMappingException e) {
      throw new SuiteFileException(source, List.of(mappingProblem(e, lines, values)));
    } catch (JsonProcessingException e) {
      throw new SuiteFileException(source, List.of(at(e.getLocation()) + e.getOriginalMessage()));
    }
    if (suite == null) {
      throw new SuiteFileException(source, List.of("line 1: the file holds no suite"));
    }
    new Validator(lines, problems).suite(suite);
    if (!problems.isEmpty()) {
      throw new SuiteFileException(source, problems);
    }
    return suite;
  }

  /** The suite as YAML, fields in record order. */
  public static String write(Suite suite) {
    try {
      return YAMLMapper.builder(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build()).build()
          .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          .writeValueAsString(suite);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- where each field is ---------------------------------------------------------------------------------

  /**
   * The line of every field and value by its JSON pointer ({@code /cache/load/rate}; {@code ""} is the
   * document); the text of every scalar goes into {@code values}, for error messages.
   */
  private static Map<String, Integer> lines(String text, Map<String, String> values) throws IOException {
    Map<String, Integer> lines = new LinkedHashMap<>();
    try (JsonParser p = YAML.getFactory().createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          // a field is at its key's line
          lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(), p.currentTokenLocation().getLineNr());
          continue;
        }
        if (t.isScalarValue()) {
          values.put(p.getParsingContext().pathAsPointer().toString(), p.getText());
        }
        String pointer = p.getParsingContext().pathAsPointer().toString();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          // the container's own pointer is its parent's entry for it
          pointer = p.getParsingContext().getParent() == null ? ""
              : p.getParsingContext().getParent().pathAsPointer().toString();
        }
        lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
      }
    }
    return lines;
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1 ? "" : "line " + location.getLineNr() + ": ";
  }

  private static String field(List<JsonMappingException.Reference> path) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String mappingProblem(JsonMappingException e, Map<String, Integer> lines,
      Map<String, String> values) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      pointer.append('/').append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
    }
    Integer line = lines.get(pointer.toString());
    String where = line != null ? "line " + line + ": " : at(e.getLocation());
    String value = values.get(pointer.toString());
    String field = field(e.getPath());
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> known = new ArrayList<>();
      if (u.getKnownPropertyIds() != null) {
        u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
      }
      known.sort(null);
      String parent = field.contains(".") ? field.substring(0, field.lastIndexOf('.')) : "the suite";
      return where + "unknown field '" + u.getPropertyName() + "' in " + parent + "; valid fields: "
          + String.join(", ", known);
    }
    if (e instanceof ValueInstantiationException v) {
      Throwable cause = v.getCause() != null ? v.getCause() : v;
      return where + field + ": " + cause.getMessage();
    }
    if (e instanceof InvalidFormatException f) {
      return where + field + ": expected " + expected(f.getTargetType()) + ", got '" + f.getValue() + "'";
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      String got = value != null ? ", got '" + value + "'" : "";
      return where + field + ": expected " + expected(m.getTargetType()) + got;
    }
    return where + (field.isEmpty() ? "" : field + ": ") + e.getOriginalMessage();
  }

  private static String expected(Type type) {
    if (type instanceof Class<?> c) {
      if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
        return "a whole number";
      }
      if (c == double.class || c == Double.class) {
        return "a number";
      }
      if (c == boolean.class || c == Boolean.class) {
        return "true or false";
      }
      if (c == String.class) {
        return "a string";
      }
      if (List.class.isAssignableFrom(c)) {
        return "a list";
      }
      if (c.getAnnotation(Scalar.class) != null) {
        return c.getAnnotation(Scalar.class).value();
      }
      if (c.isRecord()) {
        Set<String> fields = new TreeSet<>();
        for (RecordComponent rc : c.getRecordComponents()) {
          fields.add(rc.getName());
        }
        return "a mapping with the fields " + String.join(", ", fields);
      }
      return c.getSimpleName();
    }
    if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
      return "a list of " + expected(p.getActualTypeArguments()[0]).replaceFirst("^an? ", "") + "s";
    }
    return type.getTypeName();
  }

  /** Fields of {@code type} the file leaves out, recursively, each with its type. */
  private static void missing(Class<?> type, String pointer, Map<String, Integer> lines, List<String> problems) {
    Set<String> valid = new TreeSet<>();
    for (RecordComponent c : type.getRecordComponents()) {
      valid.add(c.getName());
    }
    for (Map.Entry<String, Integer> e : lines.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(pointer + "/") && key.indexOf('/', pointer.length() + 1) < 0) {
        String name = key.substring(pointer.length() + 1);
        if (!valid.contains(name)) {
          problems.add("line " + e.getValue() + ": unknown field '" + name + "' in "
              + (pointer.isEmpty() ? "the suite" : dotted(pointer.substring(0, pointer.lastIndexOf('/')),
                  pointer.substring(pointer.lastIndexOf('/') + 1))) + "; valid fields: " + String.join(", ", valid));
        }
      }
    }
    for (RecordComponent c : type.getRecordComponents()) {
      String child = pointer + "/" + c.getName();
      if (!lines.containsKey(child)) {
        if (c.getAnnotation(Optional.class) == null) {
          problems.add("line " + lines.getOrDefault(pointer, 1) + ": " + dotted(pointer, c.getName())
              + " is missing: expected " + expected(c.getGenericType()));
        }
        continue;
      }
      Class<?> ct = c.getType();
      if (ct.isRecord() && ct.getAnnotation(Scalar.class) == null) {
        missing(ct, child, lines, problems);
      } else if (List.class.isAssignableFrom(ct) && c.getGenericType() instanceof ParameterizedType p
          && p.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
        for (int i = 0; lines.containsKey(child + "/" + i); i++) {
          missing(element, child + "/" + i, lines, problems);
        }
      }
    }
  }

  private static String dotted(String pointer, String name) {
    String p = pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.') + ".";
    return (p + name).replaceAll("\\.(\\d+)(\\.|$)", "[$1]$2");
  }

  /** Ranges and named values, each problem at its field's line. */
  private static final class Validator {
    private final Map<String, Integer> lines;
    private final List<String> problems;

    Validator(Map<String, Integer> lines, List<String> problems) {
      this.lines = lines;
      this.problems = problems;
    }

    private void problem(String pointer, String message) {
      int line = lines.getOrDefault(pointer, lines.getOrDefault(pointer.substring(0, Math.max(0,
          pointer.lastIndexOf('/'))), 1));
      problems.add("line " + line + ": " + dotted(pointer.substring(0, pointer.lastIndexOf('/')),
          pointer.substring(pointer.lastIndexOf('/') + 1)) + ": " + message);
    }

    /** Every number of a plan at least {@code 0}, except seeds; counts and durations at least 1. */
    private void numbers(Object record, String pointer, Set<String> positive) {
      for (RecordComponent c : record.getClass().getRecordComponents()) {
        Object v;
        try {
          v = c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        String child = pointer + "/" + c.getName();
        if (v instanceof Number n && !c.getName().equals("seed")) {
          boolean mustBePositive = positive.contains(c.getName());
          if (Double.isNaN(n.doubleValue()) || n.doubleValue() < 0 || (mustBePositive && n.doubleValue() <= 0)) {
            problem(child, "must be " + (mustBePositive ? "greater than 0" : "0 or more") + ", got " + n);
          }
        } else if (v instanceof List<?> list) {
          if (list.isEmpty() && NON_EMPTY.contains(c.getName())) {
            problem(child, "must list at least one value");
          }
          for (int i = 0; i < list.size(); i++) {
            Object e = list.get(i);
            if (e instanceof Number n && n.doubleValue() <= 0) {
              problem(child + "/" + i, "must be greater than 0, got " + n);
            } else if (e != null && e.getClass().isRecord()) {
              numbers(e, child + "/" + i, positive);
            }
          }
        } else if (v != null && v.getClass().isRecord() && v.getClass().getAnnotation(Scalar.class) == null) {
          numbers(v, child, positive);
        }
      }
    }

    private void oneOf(List<String> values, Set<String> valid, String pointer) {
      for (int i = 0; i < values.size(); i++) {
        if (!valid.contains(values.get(i))) {
          problem(pointer + "/" + i, "'" + values.get(i) + "' is not one of " + String.join(", ", new TreeSet<>(valid)));
        }
      }
    }

    private void serviceTime(String text, String pointer) {
      String name = pointer.substring(pointer.lastIndexOf('/') + 1);
      try {
        ServiceTime.parse(text, name);
      } catch (IllegalArgumentException e) {
        problem(pointer, e.getMessage().startsWith(name + ": ") ? e.getMessage().substring(name.length() + 2)
            : e.getMessage());
      }
    }

    private static final Set<String> NON_EMPTY = Set.of("weights", "capacities", "microBackends", "microThreads",
        "microNodes", "microKeys", "microCapacities", "vnodeSweep", "nodeSweep", "patterns", "workloads");

    private static final Set<String> POSITIVE = Set.of("backends", "rate", "simulateSeconds", "loadSeconds",
        "seconds", "clients", "sessions", "ioThreads", "simulateNodes", "simulateKeys", "vnodeSweepNodes",
        "vnodeSweepKeys", "nodeSweepKeys", "cacheNodes", "cacheEntries", "keys", "originCapacity", "limit",
        "windowMillis", "rateMultiple", "loadLimit", "goodClients", "goodRate", "iterations",
        "iterationMillis", "warmupMillis", "capacity", "valueBytes", "responseBytes", "queue", "originQueue");

    void suite(Suite s) {
      if (s.name().isBlank() || !s.name().matches("[a-z0-9][a-z0-9-]*")) {
        problem("/name", "must be a lowercase name of letters, digits and dashes (it names the results folder),"
            + " got '" + s.name() + "'");
      }
      if (s.lb() == null && s.hashing() == null && s.ratelimit() == null && s.cache() == null) {
        problems.add("line 1: the suite names no family; give at least one of lb, hashing, ratelimit, cache");
      }
      if (s.lenses() != null) {
        oneOf(s.lenses(), Set.copyOf(Suite.LENSES), "/lenses");
      }
      if (s.checks() != null) {
        for (int i = 0; i < s.checks().size(); i++) {
          check(s, s.checks().get(i), "/checks/" + i);
        }
      }
      if (s.lb() != null) {
        numbers(s.lb(), "/lb", POSITIVE);
        serviceTime(s.lb().serviceTime(), "/lb/serviceTime");
        if (s.lb().weights().size() != s.lb().backends() || s.lb().capacities().size() != s.lb().backends()) {
          problem("/lb/weights", "weights and capacities must list one value per backend (" + s.lb().backends()
              + "), got " + s.lb().weights().size() + " and " + s.lb().capacities().size());
        }
        if (s.lb().slowAt() > 1) {
          problem("/lb/slowAt", "is a fraction of the run, 0 to 1, got " + s.lb().slowAt());
        }
      }
      if (s.hashing() != null) {
        numbers(s.hashing(), "/hashing", POSITIVE);
        serviceTime(s.hashing().originTime(), "/hashing/originTime");
        if (!(s.hashing().addAt() < s.hashing().removeAt() && s.hashing().removeAt() < 1)) {
          problem("/hashing/addAt", "addAt and removeAt are fractions of the run with addAt < removeAt < 1, got "
              + s.hashing().addAt() + " and " + s.hashing().removeAt());
        }
      }
      if (s.ratelimit() != null) {
        numbers(s.ratelimit(), "/ratelimit", POSITIVE);
        oneOf(s.ratelimit().patterns(), Set.copyOf(Arrivals.PATTERNS), "/ratelimit/patterns");
      }
      if (s.cache() != null) {
        CachePlan c = s.cache();
        numbers(c, "/cache", POSITIVE);
        for (int i = 0; i < c.workloads().size(); i++) {
          try {
            Workloads.describe(c.workloads().get(i));
          } catch (IllegalArgumentException e) {
            problem("/cache/workloads/" + i, e.getMessage());
          }
        }
        for (int i = 0; i < c.capacities().size(); i++) {
          if (!c.capacities().get(i).matches("\\d+(\\.\\d+)?%|\\d+")) {
            problem("/cache/capacities/" + i, "a capacity is a share of the workload's keys ('5%') or a number of"
                + " entries, got '" + c.capacities().get(i) + "'");
          }
        }
        serviceTime(c.load().originTime(), "/cache/load/originTime");
        oneOf(c.writeStrategies(), Set.copyOf(WriteStrategy.names()), "/cache/writeStrategies");
        oneOf(c.stampede(), STAMPEDE, "/cache/stampede");
        oneOf(c.penetration(), PENETRATION, "/cache/penetration");
        oneOf(c.avalanche(), AVALANCHE, "/cache/avalanche");
        if (c.load().zipf() <= 0) {
          problem("/cache/load/zipf", "must be greater than 0, got " + c.load().zipf());
        }
      }
    }

    private void check(Suite s, SuiteCheck check, String pointer) {
      List<String> families = new ArrayList<>();
      if (s.lb() != null) {
        families.add("lb");
      }
      if (s.hashing() != null) {
        families.add("hashing");
      }
      if (s.ratelimit() != null) {
        families.add("ratelimit");
      }
      if (s.cache() != null) {
        families.add("cache");
      }
      if (!families.contains(check.family())) {
        problem(pointer + "/family", "'" + check.family() + "' is not a family of this suite; valid: "
            + String.join(", ", families));
      }
      String lens = check.metric().contains(".") ? check.metric().substring(0, check.metric().indexOf('.')) : "";
      if (!Suite.LENSES.contains(lens)) {
        problem(pointer + "/metric", "a metric is a path into a strategy's results that starts with its lens ("
            + String.join(", ", Suite.LENSES) + "), as load.client.p99Millis or micro.benchmarks.0.nsPerOp; got '"
            + check.metric() + "'");
      }
      if (check.max() == null && check.min() == null) {
        problem(pointer + "/metric", "a check needs max, min or both");
      }
    }
  }
}
