package io.strategybench.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stops this JVM's helper processes (a private redis-server, a forked target, Gatling, JMH) when the JVM dies
 * without running its shutdown hooks: {@code kill -9}, the OOM killer. The hooks stop them on every other exit.
 *
 * <p>A small {@code sh} watchdog is started once, reading the pids to watch from a pipe this JVM holds
 * ({@code +PID:START} to watch, {@code -PID} when one exited). The kernel closes the pipe when the JVM dies, however
 * it dies; at the end of its input the watchdog sends TERM to every process still on its list, and KILL three
 * seconds later to any that did not exit. A pid is signalled only while {@code /proc/PID/stat} gives the start
 * time it was recorded with, so a process that exited and whose pid was given to another is left alone. Where
 * there is no {@code sh}, there is no watch, and the shutdown hooks alone stop the helpers.
 */
public final class ParentDeathWatch {
  /** The watchdog: its input is the list of pids; its end is this JVM's end. */
  static final String SCRIPT = String.join("\n",
      "trap '' INT HUP", // Ctrl-C and a closed terminal end the JVM, which ends the watch; not the watch itself
      "started() { if [ -r /proc/$1/stat ]; then sed 's/.*) //' /proc/$1/stat | cut -d' ' -f20; else echo -; fi; }",
      "pids=''",
      "while IFS= read -r line; do",
      "  case \"$line\" in",
      "    +*) pids=\"$pids ${line#+}\" ;;",
      "    -*) keep=''; for e in $pids; do [ \"${e%%:*}\" = \"${line#-}\" ] || keep=\"$keep $e\"; done;"
          + " pids=$keep ;;",
      "  esac",
      "done",
      "signal() { sent=''; for e in $2; do p=${e%%:*}; if [ -d /proc/$p ] && [ \"$(started $p)\" = \"${e#*:}\" ];"
          + " then kill -$1 $p 2>/dev/null && sent=\"$sent $e\"; fi; done; }",
      "signal TERM \"$pids\"",
      "[ -n \"$sent\" ] || exit 0",
      "sleep 3",
      "signal KILL \"$sent\"",
      "");

  private static Process watchdog;
  private static OutputStream pids;
  private static boolean unavailable;

  private ParentDeathWatch() {}

  /** Stops {@code child} when this JVM dies without its shutdown hooks; nothing once it exited. */
  public static void guard(ProcessHandle child) {
    String started = startTime(child.pid());
    if (started == null || !child.isAlive()) {
      return; // already gone
    }
    if (!send("+" + child.pid() + ":" + started)) {
      return;
    }
    child.onExit().thenRun(() -> send("-" + child.pid()));
  }

  /** Whether the watchdog runs. */
  static synchronized boolean watching() {
    return watchdog != null && watchdog.isAlive();
  }

  /** The watchdog's pid, for tests; -1 when there is none. */
  static synchronized long watchdogPid() {
    return watching() ? watchdog.pid() : -1;
  }

  private static synchronized boolean send(String line) {
    if (unavailable) {
      return false;
    }
    try {
      if (watchdog == null) {
        watchdog = new ProcessBuilder("sh", "-c", SCRIPT)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        pids = watchdog.getOutputStream();
      }
      pids.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      pids.flush();
      return true;
    } catch (IOException e) {
      // no sh, or the watchdog is gone: the shutdown hooks still stop the helpers on an ordinary exit
      unavailable = true;
      return false;
    }
  }

  /**
   * The process's start time as the watchdog reads it: field 22 of {@code /proc/PID/stat} (clock ticks since boot);
   * {@code -} where there is no {@code /proc}; null when the process is gone.
   */
  static String startTime(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return "-";
    }
    try {
      String text = Files.readString(stat, StandardCharsets.US_ASCII);
      String[] fields = text.substring(text.lastIndexOf(") ") + 2).split(" ");
      return fields[19];
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
