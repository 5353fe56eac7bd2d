package io.strategybench.results;

import io.strategybench.server.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes {@code results.json} atomically, so a reader (or a crash) never sees half a document. */
public final class ResultsWriter {
  public static final String FILE = "results.json";

  private ResultsWriter() {}

  public static synchronized void write(Path folder, RunResults results) throws IOException {
    Path tmp = folder.resolve(FILE + ".tmp");
    Json.MAPPER.writeValue(tmp.toFile(), results);
    Files.move(tmp, folder.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static RunResults read(Path folder) throws IOException {
    return Json.MAPPER.readValue(folder.resolve(FILE).toFile(), RunResults.class);
  }
}
