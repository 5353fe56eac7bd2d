package io.strategybench.scenario;

/**
 * Starts Gatling in this JVM and exits with its status: 0 success, 2 assertions failed, other values an
 * error. The harness runs it in a JVM of its own (with {@code --add-opens=java.base/java.lang=ALL-UNNAMED}),
 * so the load generator's allocation and JIT work stay out of the target's and the harness's measurements.
 */
public final class GatlingMain {
  private GatlingMain() {}

  public static void main(String[] args) {
    skipReleaseCheck();
    int status = io.gatling.app.Gatling$.MODULE$.fromArgs(args);
    System.exit(status);
  }

  /**
   * Gatling asks Maven Central for its newest release at start. A load run talks to loopback only: record
   * a check made just now (unsuccessful, so nothing is announced) where Gatling keeps it, and it skips the
   * call.
   */
  static void skipReleaseCheck() {
    try {
      java.util.prefs.Preferences prefs = java.util.prefs.Preferences.userRoot().node("/io/gatling/latestVersion");
      prefs.putLong("lastCheckTimestamp", System.currentTimeMillis());
      prefs.putBoolean("lastCheckSuccess", false);
      prefs.flush();
    } catch (Exception | LinkageError e) {
      // Preferences unavailable: Gatling will make its check, which fails quietly without a network.
    }
  }
}
