package io.strategybench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The process that runs a suite, as {@code results.json} records it when the run starts. A run ends by writing its
 * status (complete, partial, interrupted), even on Ctrl-C; one killed hard (SIGKILL, the OOM killer, a power cut)
 * cannot, and its file says {@code running} for ever. Whether the recorded process is still alive (the same pid,
 * started at the same instant, on this machine since its last boot) tells a run in progress from such a one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RunProcess {
  /** The process id. */
  public long pid;
  /** When the process started (from the operating system), to tell it from a later process given the same pid. */
  public String startedAt;
  /** The machine's host name. */
  public String host;
  /** Linux's boot id: a pid names nothing after the machine restarted. Null elsewhere. */
  public String bootId;

  /** What became of a run's process. */
  public enum State {
    /** The run recorded its end: it is not running. */
    ENDED,
    /** It says running and its process is alive. */
    RUNNING,
    /** It says running, but its process is gone: it was killed before it could record its end. */
    GONE,
    /** It says running, and it cannot be told whether it is (no process recorded, or another machine's). */
    UNKNOWN
  }

  /** This process. */
  public static RunProcess current() {
    RunProcess p = new RunProcess();
    ProcessHandle self = ProcessHandle.current();
    p.pid = self.pid();
    p.startedAt = self.info().startInstant().map(Instant::toString).orElse(null);
    p.host = hostName();
    p.bootId = bootId();
    return p;
  }

  /** What became of the run whose {@code results.json} is {@code doc}. */
  public static State state(JsonNode doc) {
    if (!RunResults.RUNNING.equals(doc.path("status").asText())) {
      return State.ENDED;
    }
    JsonNode process = doc.path("process");
    if (!process.path("pid").canConvertToLong() || process.path("pid").asLong() <= 0) {
      return State.UNKNOWN;
    }
    if (!process.path("host").asText("").equals(hostName())) {
      return State.UNKNOWN;
    }
    String boot = bootId();
    if (boot != null && process.hasNonNull("bootId") && !boot.equals(process.path("bootId").asText())) {
      return State.GONE; // this machine restarted since
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(process.path("pid").asLong());
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return State.GONE;
    }
    Optional<Instant> started = handle.get().info().startInstant();
    if (process.hasNonNull("startedAt") && started.isPresent()) {
      Instant recorded;
      try {
        recorded = Instant.parse(process.path("startedAt").asText());
      } catch (java.time.format.DateTimeParseException e) {
        return State.UNKNOWN;
      }
      if (Duration.between(recorded, started.get()).abs().compareTo(Duration.ofSeconds(1)) > 0) {
        return State.GONE; // another process has the pid now
      }
    }
    return State.RUNNING;
  }

  /**
   * Refuses a run killed before it could record its end, with what to do instead; tells {@code notes} of a run
   * still in progress, or of one that says running and cannot be checked, and lets those through.
   *
   * @param what what the caller was about to do with the run ({@code compare}), for the message
   * @throws IllegalArgumentException for a run whose process is gone
   */
  public static void requireNotKilled(Path run, JsonNode doc, String what, Consumer<String> notes) {
    JsonNode process = doc.path("process");
    switch (state(doc)) {
      case GONE -> throw new IllegalArgumentException(run + " did not finish: its " + ResultsWriter.FILE
          + " says running, but the process that ran it (pid " + process.path("pid").asText() + ", started "
          + process.path("startedAt").asText("at an unknown time") + ") is gone. It was killed before it could"
          + " record its end (kill -9, the OOM killer, a restart), so its figures stop wherever it was and it has no"
          + " verdict; not going to " + what + " it. Run suite '" + doc.path("suite").asText() + "' again (bench run"
          + " with its name or its suite file).");
      case RUNNING -> notes.accept("note: " + run + " is still running (pid " + process.path("pid").asText()
          + "): its figures are those it recorded so far");
      case UNKNOWN -> notes.accept("note: " + run + " says running, and whether it still runs cannot be told here ("
          + (process.isMissingNode() ? "it records no process" : "it ran on " + process.path("host").asText())
          + "): if it was stopped, its figures stop wherever it was");
      default -> {
        // ended: nothing to say
      }
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "unknown";
    }
  }

  private static String bootId() {
    Path file = Path.of("/proc/sys/kernel/random/boot_id");
    try {
      return Files.isReadable(file) ? Files.readString(file, StandardCharsets.US_ASCII).strip() : null;
    } catch (IOException e) {
      return null;
    }
  }
}
