package io.strategybench.cli;

import io.strategybench.server.AdminAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** Where {@code bench serve}'s admin plane ({@code /_/}) listens and who may use it. */
final class AdminOptions {
  @Option(names = "--admin-port", paramLabel = "PORT|same", showDefaultValue = Visibility.NEVER,
      description = "The admin plane's own port (0: a free one), or 'same' to share the traffic port. Default:"
          + " the traffic port when --host is loopback, else a free port on --admin-host, so that nothing"
          + " reaching the traffic port reaches /_/.")
  String port;

  @Option(names = "--admin-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address of the admin plane's own listener. Beyond loopback it requires a token.")
  String host;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "Require 'Authorization: Bearer TOKEN' on the admin plane, the token read from this file, or"
          + " made and written to it (owner-only) when it does not exist. A token is always required when the"
          + " target or its admin plane listens beyond loopback; without this option it is then written to a file"
          + " in the temporary folder, named at start.")
  Path tokenFile;

  @Option(names = "--admin-port-file", paramLabel = "FILE",
      description = "Write the admin plane's port to this file once ready.")
  Path portFile;

  @Option(names = "--allow-remote-backends",
      description = "Let POST /_/backends?address= add a backend beyond loopback (by default the admin plane"
          + " cannot turn the target into a proxy to anywhere).")
  boolean allowRemoteBackends;

  /** A token made at start, to remove at exit; null when none was made. */
  Path madeTokenFile;

  /** The access rules for a target listening on {@code trafficHost}; makes and writes a token when one is needed. */
  AdminAccess access(String trafficHost) throws IOException {
    boolean trafficLoopback = AdminAccess.isLoopback(trafficHost);
    int adminPort;
    if (port == null) {
      adminPort = trafficLoopback ? AdminAccess.ON_TRAFFIC_PORT : 0;
    } else if (port.equals("same")) {
      adminPort = AdminAccess.ON_TRAFFIC_PORT;
    } else {
      try {
        adminPort = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--admin-port takes a port 0..65535 or 'same', got '" + port + "'");
      }
    }
    // A target that listens beyond loopback is on a network: its admin plane wants a token even on a loopback
    // listener (other users of the machine reach loopback too).
    boolean reachable = !trafficLoopback || (adminPort != AdminAccess.ON_TRAFFIC_PORT && !AdminAccess.isLoopback(host));
    String token = null;
    if (tokenFile != null) {
      token = readOrMake(tokenFile);
    } else if (reachable) {
      madeTokenFile = Path.of(System.getProperty("java.io.tmpdir"),
          "strategybench-admin-" + ProcessHandle.current().pid() + ".token");
      token = readOrMake(madeTokenFile);
    }
    return new AdminAccess(host, adminPort, token, allowRemoteBackends);
  }

  private static String readOrMake(Path file) throws IOException {
    if (Files.exists(file)) {
      String token = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (token.length() < 16) {
        throw new IllegalArgumentException("--admin-token-file " + file + " holds " + token.length()
            + " characters; a token needs at least 16 (delete the file to have one made)");
      }
      return token;
    }
    String token = AdminAccess.newToken();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    return token;
  }
}
