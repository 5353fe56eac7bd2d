package io.strategybench.cli;

import io.strategybench.backend.ServiceTime;
import io.strategybench.hashing.NodeEvent;
import io.strategybench.hashing.ShardedCacheStage;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** The sharded cache a {@code hashing} target routes to: its nodes, their LRU size, the origin, node changes. */
final class CacheOptions {
  @Option(names = "--cache-nodes", paramLabel = "N", defaultValue = "8",
      description = "(--family hashing) Cache nodes at start, named n1..nN.")
  int nodes;

  @Option(names = "--cache-entries", paramLabel = "N", defaultValue = "250",
      description = "(--family hashing) Keys each cache node's LRU holds.")
  int entries;

  @Option(names = "--origin-time", paramLabel = "DIST", defaultValue = "const:20ms",
      description = "(--family hashing, cache) The origin's service time per request, in the forms of --sim-service-time.")
  String originTime;

  @Option(names = "--origin-capacity", paramLabel = "N", defaultValue = "64",
      description = "(--family hashing, cache) Requests the origin serves at once.")
  int originCapacity;

  @Option(names = "--origin-queue", paramLabel = "N", defaultValue = "1024",
      description = "(--family hashing, cache) Requests that wait for the origin beyond its capacity; more get 503.")
  int originQueue;

  @Option(names = "--cache-response-bytes", paramLabel = "BYTES", defaultValue = "1024",
      description = "(--family hashing) Body size of each answer.")
  int responseBytes;

  @Option(names = "--node-event", paramLabel = "EVENT", showDefaultValue = Visibility.NEVER,
      description = "(--family hashing) A node change on the timeline (repeatable; none by default): add@20s adds a"
          + " node, remove@40s removes the middle one, remove=n3@40s removes n3. Offsets count from the last"
          + " /_/reset, or from start (see --node-events-from).")
  List<String> events = new ArrayList<>();

  @Option(names = "--node-events-from", paramLabel = "WHEN", defaultValue = "start",
      description = "(--family hashing) When the --node-event timeline starts: at start (and again at every POST"
          + " /_/reset), or at reset (not before the first POST /_/reset, as a load generator sends after its"
          + " warm-up; again at every later one). A reset does not restore the starting nodes.")
  String eventsFrom;

  ShardedCacheStage.Config build() {
    if (!eventsFrom.equals("start") && !eventsFrom.equals("reset")) {
      throw new IllegalArgumentException("--node-events-from must be start or reset, got '" + eventsFrom + "'");
    }
    return new ShardedCacheStage.Config(nodes, entries, ServiceTime.parse(originTime, "--origin-time"),
        originCapacity, originQueue, responseBytes, events.stream().map(NodeEvent::parse).toList(),
        eventsFrom.equals("reset"));
  }
}
