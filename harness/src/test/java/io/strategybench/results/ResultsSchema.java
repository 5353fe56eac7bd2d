package io.strategybench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.strategybench.server.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The published JSON Schema of results.json ({@code schema/results-2.schema.json} in the jar), for the tests. */
public final class ResultsSchema {
  private static final Schema SCHEMA = load();

  private ResultsSchema() {}

  private static Schema load() {
    try (InputStream in = ResultsSchema.class.getClassLoader().getResourceAsStream("schema/results-2.schema.json")) {
      if (in == null) {
        throw new IllegalStateException("schema/results-2.schema.json is not on the classpath");
      }
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(Json.MAPPER.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What in the document breaks the schema; empty when it is valid. */
  public static List<String> errors(JsonNode doc) {
    return SCHEMA.validate(doc).stream().map(Error::toString).toList();
  }

  public static List<String> errors(Path resultsJson) throws IOException {
    return errors(Json.MAPPER.readTree(resultsJson.toFile()));
  }
}
