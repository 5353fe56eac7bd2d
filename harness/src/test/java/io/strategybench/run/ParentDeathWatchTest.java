package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog script: at the end of its input it stops the processes listed, and only those still the same. */
class ParentDeathWatchTest {
  private static Process sleeper() throws Exception {
    return new ProcessBuilder("sleep", "120").start();
  }

  @Test
  void atTheEndOfItsInputTheWatchdogStopsTheListedProcessesThatAreStillTheSame() throws Exception {
    Process listed = sleeper();
    Process exitedFromTheList = sleeper();
    Process reused = sleeper(); // listed with another start time: as if its pid went to a new process
    Process unlisted = sleeper();
    try {
      assertThat(ParentDeathWatch.startTime(listed.pid())).matches("\\d+");
      Process watchdog = new ProcessBuilder("sh", "-c", ParentDeathWatch.SCRIPT).start();
      try (OutputStream in = watchdog.getOutputStream()) {
        String lines = "+" + listed.pid() + ":" + ParentDeathWatch.startTime(listed.pid()) + "\n"
            + "+" + exitedFromTheList.pid() + ":" + ParentDeathWatch.startTime(exitedFromTheList.pid()) + "\n"
            + "+" + reused.pid() + ":1\n"
            + "-" + exitedFromTheList.pid() + "\n";
        in.write(lines.getBytes(StandardCharsets.US_ASCII));
        in.flush();
        Thread.sleep(300);
        assertThat(listed.isAlive()).as("stopped only at the end of the input").isTrue();
      } // closing the pipe is what the kernel does when the JVM dies
      assertThat(listed.waitFor(10, TimeUnit.SECONDS)).as("the listed process stopped").isTrue();
      assertThat(watchdog.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(exitedFromTheList.isAlive()).as("taken off the list").isTrue();
      assertThat(reused.isAlive()).as("another start time: not the process listed").isTrue();
      assertThat(unlisted.isAlive()).isTrue();
    } finally {
      for (Process p : new Process[] {listed, exitedFromTheList, reused, unlisted}) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void aProcessThatIgnoresTermIsKilled() throws Exception {
    Process stubborn = new ProcessBuilder("sh", "-c", "trap '' TERM; while :; do sleep 1; done").start();
    try {
      Thread.sleep(200); // the trap is set
      Process watchdog = new ProcessBuilder("sh", "-c", ParentDeathWatch.SCRIPT).start();
      try (OutputStream in = watchdog.getOutputStream()) {
        in.write(("+" + stubborn.pid() + ":" + ParentDeathWatch.startTime(stubborn.pid()) + "\n")
            .getBytes(StandardCharsets.US_ASCII));
      }
      assertThat(stubborn.waitFor(15, TimeUnit.SECONDS)).as("killed after TERM was ignored").isTrue();
      assertThat(stubborn.exitValue()).isEqualTo(128 + 9);
    } finally {
      stubborn.destroyForcibly();
    }
  }
}
