package io.strategybench.results;

import io.strategybench.server.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

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

  /** Copies a run folder, every file of it, into {@code to} (created; files there are replaced). */
  public static void copyRun(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
