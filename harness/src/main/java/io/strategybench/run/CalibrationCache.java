package io.strategybench.run;

import com.fasterxml.jackson.core.type.TypeReference;
import io.strategybench.server.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Calibrations kept beside the runs ({@code .calibrations.json} in the results folder), so consecutive runs on one
 * machine load it at the same rates and their figures compare: a ramp's knee moves by a step of the ramp from one
 * measurement to the next, and a share of it with it. A calibration is reused when it was measured for the same
 * family set-up on the same machine (host, cores, Java) within {@value #MAX_AGE_HOURS} hours, and the machine is as
 * busy with other work now as it was then (within {@value #BACKGROUND_DRIFT_PERCENT} points); otherwise the ramp
 * runs again. {@code bench run --recalibrate} always runs it.
 */
final class CalibrationCache {
  static final int MAX_AGE_HOURS = 24;
  static final int BACKGROUND_DRIFT_PERCENT = 15;
  static final String FILE = ".calibrations.json";

  private final Path file;

  CalibrationCache(Path resultsFolder) {
    this.file = resultsFolder.resolve(FILE);
  }

  /** What identifies a calibration: the family's set-up (less its file paths) and the machine. */
  static String key(Calibration.Setup setup) {
    List<String> serve = new ArrayList<>();
    for (String arg : setup.serve()) {
      serve.add(arg.contains("/") ? "PATH" : arg);
    }
    return String.join("|", setup.family(), setup.strategy(), String.join(" ", serve),
        setup.simulation().getName(), new TreeMap<>(setup.properties()).toString(),
        String.valueOf(setup.ceilingRps()), host(), String.valueOf(Runtime.getRuntime().availableProcessors()),
        System.getProperty("java.version"));
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  /** A calibration to reuse for {@code key} with the machine now {@code background} busy, or null. */
  Map<String, Object> find(String key, double background) {
    Map<String, Object> found = read().get(key);
    if (found == null || !(found.get("measuredAt") instanceof String at)
        || !(found.get("backgroundBusy") instanceof Number then)) {
      return null;
    }
    Duration age = Duration.between(Instant.parse(at), Instant.now());
    if (age.isNegative() || age.toHours() >= MAX_AGE_HOURS
        || Math.abs(then.doubleValue() - background) * 100 > BACKGROUND_DRIFT_PERCENT) {
      return null;
    }
    return new LinkedHashMap<>(found);
  }

  /** Keeps {@code calibration} for {@code key}; a cache that cannot be written is only a lost shortcut. */
  void store(String key, Map<String, Object> calibration) {
    try {
      Map<String, Map<String, Object>> all = read();
      Map<String, Object> kept = new LinkedHashMap<>(calibration);
      kept.remove("machine"); // the ramp's seconds stay with the run that measured them
      kept.remove("perSecond");
      all.put(key, kept);
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(FILE + ".tmp");
      Files.writeString(temp, Json.write(all), StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      // the next run measures again
    }
  }

  private Map<String, Map<String, Object>> read() {
    if (!Files.isRegularFile(file)) {
      return new LinkedHashMap<>();
    }
    try {
      return Json.MAPPER.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Map<String, Object>>>() {});
    } catch (IOException e) {
      return new LinkedHashMap<>(); // unreadable: measure again, and overwrite it
    }
  }
}
