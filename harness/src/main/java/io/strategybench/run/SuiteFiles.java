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
import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.family.FamilyModule;
import io.strategybench.family.FamilyModules;
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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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
 * {@code scenarios/suites/}), and {@code bench run} takes a path to any other. A suite file has a name, a
 * description, optional {@code strategies}, {@code lenses}, {@code checks} and {@code pipeline}, and under each family's
 * name that family's plan, which maps field by field onto the family's plan record
 * ({@link io.strategybench.family.FamilyModule#planType()}). It is validated whole before anything runs, and every
 * problem is reported with the file, the line, the field's path and what would be valid: a field that does not
 * exist (with the valid names), one that is missing (with its type), a value of the wrong type, a number out of
 * range, a mode or a distribution that does not parse (the family says which).
 */
public final class SuiteFiles {
  /**
   * Built-in suites, in the order {@code bench suites} lists them: quick, then each built-in family's own suite
   * ({@code suites/FAMILY.yaml}, in the families' order: a family adds its suite by shipping the file), then
   * gateway and full.
   */
  public static List<String> builtInNames() {
    List<String> names = new java.util.ArrayList<>(List.of("quick"));
    for (io.strategybench.family.FamilyModule m : FamilyModules.builtIn().all()) {
      String family = m.family().name();
      if (SuiteFiles.class.getClassLoader().getResource("suites/" + family + ".yaml") != null) {
        names.add(family);
      }
    }
    names.addAll(List.of("gateway", "full"));
    return List.copyOf(names);
  }

  /** Marks a record component a suite file may leave out. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Optional {}

  /** Marks a plan's number that must be greater than 0 (every other number must be 0 or more, but a seed). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Positive {}

  /** Marks a plan's list that must name at least one value. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface NonEmpty {}

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
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  /**
   * Reads a file's tokens to find each field's line; without duplicate detection, so that {@link #lines} names every
   * field given twice, with both lines, where the mapper would stop at the first.
   */
  private static final YAMLFactory TOKENS = YAMLFactory.builder()
      .disable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** The suite's own fields; every other top-level field is a family's plan. */
  private static final List<String> SUITE_FIELDS = List.of("name", "description", "strategies", "lenses", "checks",
      "pipeline");

  private SuiteFiles() {}

  /** A built-in suite by name, or a suite file by path, read with the built-in families. */
  public static Suite load(String nameOrPath) {
    return load(nameOrPath, FamilyModules.builtIn());
  }

  /** A built-in suite by name, or a suite file by path, whose families are among {@code modules}. */
  public static Suite load(String nameOrPath, FamilyModules modules) {
    if (builtInNames().contains(nameOrPath)) {
      return builtIn(nameOrPath, modules);
    }
    boolean looksLikeAPath = nameOrPath.contains("/") || nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml");
    Path file = Path.of(nameOrPath);
    if (looksLikeAPath || Files.isRegularFile(file)) {
      try {
        return parse(decode(Files.readAllBytes(file), file.toString()), file.toString(), modules);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("suite file " + nameOrPath + " does not exist; give a built-in suite ("
            + String.join(", ", builtInNames()) + ") or the path of a YAML suite file");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read suite file " + nameOrPath, e);
      }
    }
    throw new IllegalArgumentException("unknown suite '" + nameOrPath + "'; valid suite names: "
        + String.join(", ", builtInNames().stream().sorted().toList()) + " (or the path of a YAML suite file)");
  }

  /** The built-in suite {@code name}, from the jar. */
  public static Suite builtIn(String name) {
    return builtIn(name, FamilyModules.builtIn());
  }

  private static Suite builtIn(String name, FamilyModules modules) {
    String resource = "suites/" + name + ".yaml";
    try (InputStream in = SuiteFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the built-in suite " + resource + " is missing from the classpath");
      }
      return parse(decode(in.readAllBytes(), resource), resource, modules);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The text of a suite file's bytes, which must be UTF-8 (YAML's encoding): a byte that is not is reported with its
   * line and column rather than replaced or thrown as an I/O error.
   */
  static String decode(byte[] bytes, String source) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      // the column in characters: the bytes of the line before the bad one are valid UTF-8
      int column = new String(bytes, lineStart, at - lineStart, StandardCharsets.UTF_8).length() + 1;
      StringBuilder hex = new StringBuilder();
      for (int i = at; i < Math.min(bytes.length, at + result.length()); i++) {
        hex.append(hex.length() == 0 ? "" : " ").append(String.format("0x%02X", bytes[i] & 0xff));
      }
      throw new SuiteFileException(source, List.of("line " + line + ": byte " + hex + " at column " + column
          + " is not UTF-8; a suite file is UTF-8 text (save it as UTF-8, e.g. iconv -f latin1 -t utf-8)"));
    }
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** The suite a YAML text describes, with the built-in families; {@code source} names it in errors. */
  public static Suite parse(String text, String source) {
    return parse(text, source, FamilyModules.builtIn());
  }

  /** The suite a YAML text describes, its families among {@code modules}; {@code source} names it in errors. */
  public static Suite parse(String text, String source, FamilyModules modules) {
    Map<String, Integer> lines;
    Map<String, String> values = new LinkedHashMap<>();
    JsonNode root;
    List<String> duplicates = new ArrayList<>();
    try {
      lines = lines(text, values, duplicates);
      if (!duplicates.isEmpty()) {
        throw new SuiteFileException(source, duplicates);
      }
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new SuiteFileException(source, List.of(at(e.getLocation()) + "not YAML: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!lines.containsKey("") || root == null || root.isMissingNode() || root.isNull()) {
      throw new SuiteFileException(source, List.of("line 1: the file is empty; a suite has at least name, description"
          + " and one family (" + String.join(", ", modules.names()) + ")"));
    }
    if (!root.isObject()) {
      throw new SuiteFileException(source, List.of("line 1: a suite is a mapping of fields, not " + root.getNodeType()));
    }
    List<String> problems = new ArrayList<>();
    for (String required : List.of("name", "description")) {
      if (!root.has(required)) {
        problems.add("line 1: " + required + " is missing: expected a string");
      }
    }
    Map<String, Record> plans = new LinkedHashMap<>();
    List<String> valid = new ArrayList<>(SUITE_FIELDS);
    modules.names().forEach(n -> valid.add(n + " (a family)"));
    root.fieldNames().forEachRemaining(field -> {
      if (SUITE_FIELDS.contains(field)) {
        return;
      }
      FamilyModule module = modules.find(field);
      if (module == null) {
        problems.add("line " + lines.getOrDefault("/" + field, 1) + ": unknown field '" + field + "' in the suite;"
            + " valid fields: " + String.join(", ", valid));
        return;
      }
      int before = problems.size();
      missing(module.planType(), "/" + field, lines, problems);
      if (problems.size() > before) {
        return;
      }
      try {
        plans.put(field, YAML.treeToValue(root.get(field), module.planType()));
      } catch (JsonMappingException e) {
        problems.add(mappingProblem(e, "/" + field, lines, values));
      } catch (JsonProcessingException e) {
        problems.add(at(e.getLocation()) + e.getOriginalMessage());
      }
    });
    String name = root.path("name").asText("");
    String description = root.path("description").asText("");
    List<String> strategies = list(root, "strategies", lines, problems);
    List<String> lenses = list(root, "lenses", lines, problems);
    List<SuiteCheck> checks = new ArrayList<>();
    if (root.has("checks")) {
      try {
        SuiteCheck[] given = YAML.treeToValue(root.get("checks"), SuiteCheck[].class);
        if (given == null) {
          problems.add(lineOf(lines, "/checks") + "checks is empty: give a list of checks (family, metric, max"
              + " and/or min) or leave the field out");
        } else {
          for (int i = 0; i < given.length; i++) {
            if (given[i] == null) {
              problems.add(lineOf(lines, "/checks/" + i) + "checks[" + i + "] is empty: a check has a family, a"
                  + " metric and a max and/or min");
            } else {
              checks.add(given[i]);
            }
          }
        }
      } catch (JsonMappingException e) {
        problems.add(mappingProblem(e, "/checks", lines, values));
      } catch (JsonProcessingException e) {
        problems.add(at(e.getLocation()) + e.getOriginalMessage());
      }
    }
    PipelinePlan pipeline = null;
    if (root.has("pipeline")) {
      int before = problems.size();
      missing(PipelinePlan.class, "/pipeline", lines, problems);
      if (problems.size() == before) {
        try {
          pipeline = YAML.treeToValue(root.get("pipeline"), PipelinePlan.class);
        } catch (JsonMappingException e) {
          problems.add(mappingProblem(e, "/pipeline", lines, values));
        } catch (JsonProcessingException e) {
          problems.add(at(e.getLocation()) + e.getOriginalMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new SuiteFileException(source, problems);
    }
    Suite suite = new Suite(name, description, strategies, lenses, checks, plans, pipeline);
    new Validator(lines, problems, modules).suite(suite);
    if (!problems.isEmpty()) {
      throw new SuiteFileException(source, problems);
    }
    return suite;
  }

  private static List<String> list(JsonNode root, String field, Map<String, Integer> lines, List<String> problems) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      problems.add("line " + lines.getOrDefault("/" + field, 1) + ": " + field + ": expected a list of strings, got '"
          + node.asText() + "'");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    node.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The suite as YAML: its fields, then each family's plan under the family's name. */
  public static String write(Suite suite) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", suite.name());
    doc.put("description", suite.description());
    if (!suite.strategies().isEmpty()) {
      doc.put("strategies", suite.strategies());
    }
    if (!suite.lenses().isEmpty()) {
      doc.put("lenses", suite.lenses());
    }
    if (!suite.checks().isEmpty()) {
      doc.put("checks", suite.checks());
    }
    if (suite.pipeline() != null) {
      doc.put("pipeline", suite.pipeline());
    }
    doc.putAll(suite.plans());
    try {
      return YAMLMapper.builder(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build()).build()
          .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          .writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- where each field is ---------------------------------------------------------------------------------

  /**
   * The line of every field and value by its JSON pointer ({@code /cache/load/rate}; {@code ""} is the
   * document); the text of every scalar goes into {@code values}, for error messages. A field given twice in one
   * mapping (YAML forbids it; a parser would keep one of the two silently) goes into {@code duplicates}, with both
   * lines.
   */
  private static Map<String, Integer> lines(String text, Map<String, String> values, List<String> duplicates)
      throws IOException {
    Map<String, Integer> lines = new LinkedHashMap<>();
    Map<String, Integer> fields = new LinkedHashMap<>();
    List<String> duplicated = new ArrayList<>();
    int documents = 0;
    try (JsonParser p = TOKENS.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (p.getParsingContext().getParent() != null && p.getParsingContext().getParent().inRoot() && t.isStructStart()
            || p.getParsingContext().inRoot() && t.isScalarValue()) {
          documents++; // a second document is refused as trailing tokens, not as its fields given twice
        }
        if (t == JsonToken.FIELD_NAME && documents <= 1) {
          // a field is at its key's line
          String pointer = p.getParsingContext().pathAsPointer().toString();
          int line = p.currentTokenLocation().getLineNr();
          Integer first = fields.putIfAbsent(pointer, line);
          // the fields under a mapping given twice repeat too: name only the outermost
          if (first != null && duplicated.stream().noneMatch(d -> pointer.startsWith(d + "/"))) {
            duplicated.add(pointer);
            int cut = pointer.lastIndexOf('/');
            duplicates.add("line " + line + ": " + dotted(pointer.substring(0, cut), pointer.substring(cut + 1))
                + " is given twice (first at line " + first + "); a field appears once in its mapping: remove one of"
                + " them");
          }
          lines.putIfAbsent(pointer, line);
          continue;
        }
        if (t == JsonToken.FIELD_NAME) {
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

  private static String lineOf(Map<String, Integer> lines, String pointer) {
    return "line " + lines.getOrDefault(pointer, lines.getOrDefault("/checks", 1)) + ": ";
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

  private static String mappingProblem(JsonMappingException e, String prefix, Map<String, Integer> lines,
      Map<String, String> values) {
    StringBuilder pointer = new StringBuilder(prefix);
    for (JsonMappingException.Reference r : e.getPath()) {
      pointer.append('/').append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
    }
    Integer line = lines.get(pointer.toString());
    String where = line != null ? "line " + line + ": " : at(e.getLocation());
    String value = values.get(pointer.toString());
    String field = (prefix.isEmpty() ? "" : prefix.substring(1).replace('/', '.') + (e.getPath().isEmpty() ? "" : "."))
        + field(e.getPath());
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
    private final FamilyModules modules;

    Validator(Map<String, Integer> lines, List<String> problems, FamilyModules modules) {
      this.lines = lines;
      this.problems = problems;
      this.modules = modules;
    }

    private void problem(String pointer, String message) {
      int cut = Math.max(0, pointer.lastIndexOf('/'));
      int line = lines.getOrDefault(pointer, lines.getOrDefault(pointer.substring(0, cut), 1));
      problems.add("line " + line + ": " + dotted(pointer.substring(0, cut), pointer.substring(cut + 1)) + ": "
          + message);
    }

    /**
     * Every number of a plan at least 0, except seeds; those marked {@link Positive} above 0; lists marked
     * {@link NonEmpty} not empty, and the numbers in any list above 0.
     */
    private void numbers(Object record, String pointer) {
      for (RecordComponent c : record.getClass().getRecordComponents()) {
        Object v;
        try {
          v = c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        String child = pointer + "/" + c.getName();
        boolean mustBePositive = c.getAnnotation(Positive.class) != null;
        if (v instanceof Number n && !c.getName().equals("seed")) {
          if (Double.isNaN(n.doubleValue()) || n.doubleValue() < 0 || (mustBePositive && n.doubleValue() <= 0)) {
            problem(child, "must be " + (mustBePositive ? "greater than 0" : "0 or more") + ", got " + n);
          }
        } else if (v instanceof List<?> list) {
          if (list.isEmpty() && c.getAnnotation(NonEmpty.class) != null) {
            problem(child, "must list at least one value");
          }
          for (int i = 0; i < list.size(); i++) {
            Object e = list.get(i);
            if (e instanceof Number n && n.doubleValue() <= 0) {
              problem(child + "/" + i, "must be greater than 0, got " + n);
            } else if (e != null && e.getClass().isRecord() && e.getClass().getAnnotation(Scalar.class) == null) {
              numbers(e, child + "/" + i);
            }
          }
        } else if (v != null && v.getClass().isRecord() && v.getClass().getAnnotation(Scalar.class) == null) {
          numbers(v, child);
        }
      }
    }

    void suite(Suite s) {
      if (s.name().isBlank() || !s.name().matches("[a-z0-9][a-z0-9-]*")) {
        problem("/name", "must be a lowercase name of letters, digits and dashes (it names the results folder),"
            + " got '" + s.name() + "'");
      }
      if (s.plans().isEmpty() && s.pipeline() == null) {
        problems.add("line 1: the suite names no family; give at least one of " + String.join(", ", modules.names())
            + ", or a pipeline");
      }
      for (int i = 0; i < s.lenses().size(); i++) {
        if (!Suite.LENSES.contains(s.lenses().get(i))) {
          problem("/lenses/" + i, "'" + s.lenses().get(i) + "' is not one of "
              + String.join(", ", Suite.LENSES.stream().sorted().toList()));
        }
      }
      for (int i = 0; i < s.checks().size(); i++) {
        check(s, s.checks().get(i), "/checks/" + i);
      }
      s.plans().forEach((family, plan) -> {
        numbers(plan, "/" + family);
        modules.named(family).validate(plan, (field, message) -> problem("/" + family + "/" + field, message));
      });
      if (s.pipeline() != null) {
        numbers(s.pipeline(), "/pipeline");
        s.pipeline().validate(modules, (field, message) -> problem("/pipeline/" + field, message));
      }
    }

    private void check(Suite s, SuiteCheck check, String pointer) {
      if (!s.plans().containsKey(check.family())) {
        problem(pointer + "/family", "'" + check.family() + "' is not a family of this suite; valid: "
            + String.join(", ", s.families()));
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
