package io.strategybench.cli;

import io.strategybench.run.Suite;
import io.strategybench.run.SuiteFiles;
import io.strategybench.server.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bench suites}: the built-in suites (and any suite files named), validated, with what each runs. */
@Command(name = "suites", header = "List the built-in suites, or validate suite files, and show what each runs.",
    description = {"",
        "Each suite is a YAML file: the built-in ones are in scenarios/suites/ (and in the jar). Name files to"
            + " validate them as bench run would, before anything runs: a problem is reported with the file, the"
            + " line, the field and what would be valid, and the exit status is 2.",
        ""})
final class SuitesCommand implements Callable<Integer> {
  @ParentCommand
  Bench bench;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "Suite files to validate and show (default: the"
      + " built-in suites).")
  List<String> files = new ArrayList<>();

  @Option(names = "--json", description = "Print the suites as one JSON document.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<String> names = files.isEmpty() ? SuiteFiles.builtInNames() : files;
    List<Map<String, Object>> docs = new ArrayList<>();
    for (String name : names) {
      Suite suite = SuiteFiles.load(name, bench.modules());
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("suite", suite.name());
      doc.put("source", files.isEmpty() ? "scenarios/suites/" + name + ".yaml" : name);
      doc.put("families", suite.families());
      doc.put("strategies", suite.strategies().isEmpty() ? "all" : suite.strategies());
      doc.put("lenses", suite.lenses().isEmpty() ? Suite.LENSES : suite.lenses());
      doc.put("checks", suite.checks().size());
      doc.put("description", suite.description());
      docs.add(doc);
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      o.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("suites", docs)));
    } else {
      int width = docs.stream().mapToInt(d -> String.valueOf(d.get("suite")).length()).max().orElse(0);
      String indent = " ".repeat(width + 1);
      for (Map<String, Object> d : docs) {
        o.printf("%-" + width + "s %s; lenses %s; strategies %s%s%n", d.get("suite"), String.join(", ",
            asStrings(d.get("families"))), String.join(", ", asStrings(d.get("lenses"))),
            d.get("strategies") instanceof List<?> l ? String.join(", ", asStrings(l)) : d.get("strategies"),
            ((int) d.get("checks")) > 0 ? "; " + d.get("checks") + " check(s)" : "");
        o.println(indent + d.get("source"));
        for (String line : wrap(String.valueOf(d.get("description")), 100)) {
          o.println(indent + line);
        }
        o.println();
      }
    }
    o.flush();
    return Bench.EXIT_OK;
  }

  private static List<String> asStrings(Object list) {
    List<String> out = new ArrayList<>();
    ((List<?>) list).forEach(x -> out.add(String.valueOf(x)));
    return out;
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.trim().split("\\s+")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() == 0 ? "" : " ").append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }
}
