package io.strategybench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Names and creates run folders: {@code results/<yyyyMMdd-HHmmss>-<suite>}. */
public final class ResultsFolder {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private ResultsFolder() {}

  /** Creates a new folder under {@code root}; adds a suffix if two runs start in the same second. */
  public static Path create(Path root, String suite) throws IOException {
    String base = LocalDateTime.now().format(STAMP) + "-" + suite;
    Path folder = root.resolve(base);
    for (int i = 2; Files.exists(folder); i++) {
      folder = root.resolve(base + "-" + i);
    }
    return Files.createDirectories(folder);
  }
}
