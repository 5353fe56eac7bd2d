package io.strategybench.hashing;

import io.strategybench.family.StageFactory;
import io.strategybench.backend.ServiceTime;
import io.strategybench.hashing.NodeEvent;
import io.strategybench.hashing.ShardRouterStage;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** The sharded cache a {@code hashing} target routes to: its nodes, their LRU size, the origin, node changes. */
final class ShardOptions {
  @Option(names = "--cache-nodes", paramLabel = "N", defaultValue = "8",
      description = "(hashing) Cache nodes at start, named n1..nN.")
  int nodes;

  @Option(names = "--cache-entries", paramLabel = "N", defaultValue = "250",
      description = "(hashing) Keys each cache node's LRU holds.")
  int entries;

  @Option(names = "--cache-response-bytes", paramLabel = "BYTES", defaultValue = "1024",
      description = "(hashing) Body size of each answer.")
  int responseBytes;

  @Option(names = "--node-event", paramLabel = "EVENT", showDefaultValue = Visibility.NEVER,
      description = "(hashing) A node change on the timeline (repeatable; none by default): add@20s adds a"
          + " node, remove@40s removes the middle one, remove=n3@40s removes n3. Offsets count from the last"
          + " /_/reset, or from start (see --node-events-from).")
  List<String> events = new ArrayList<>();

  @Option(names = "--node-events-from", paramLabel = "WHEN", defaultValue = "start",
      description = "(hashing) When the --node-event timeline starts: at start (and again at every POST"
          + " /_/reset), or at reset (not before the first POST /_/reset, as a load generator sends after its"
          + " warm-up; again at every later one). A reset does not restore the starting nodes.")
  String eventsFrom;

  ShardRouterStage.Config build(StageFactory.Common common) {
    if (!eventsFrom.equals("start") && !eventsFrom.equals("reset")) {
      throw new IllegalArgumentException("--node-events-from must be start or reset, got '" + eventsFrom + "'");
    }
    return new ShardRouterStage.Config(nodes, entries, ServiceTime.parse(common.originTime(), "--origin-time"),
        common.originCapacity(), common.originQueue(), responseBytes, events.stream().map(NodeEvent::parse).toList(),
        eventsFrom.equals("reset"));
  }
}
