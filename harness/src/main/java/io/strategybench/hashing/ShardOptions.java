package io.strategybench.hashing;

import io.strategybench.family.StageFactory;
import io.strategybench.backend.ServiceTime;
import io.strategybench.hashing.NodeEvent;
import io.strategybench.hashing.ShardRouterStage;
import java.util.ArrayList;
import java.util.List;

/** The sharded cache a {@code hashing} target routes to: its nodes, their LRU size, the origin, node changes. */
record ShardOptions(int nodes, int entries, int responseBytes, List<String> events, String eventsFrom) {

  ShardRouterStage.Config build(StageFactory.Common common) {
    if (!eventsFrom.equals("start") && !eventsFrom.equals("reset")) {
      throw new IllegalArgumentException("--node-events-from must be start or reset, got '" + eventsFrom + "'");
    }
    return new ShardRouterStage.Config(nodes, entries, ServiceTime.parse(common.originTime(), "--origin-time"),
        common.originCapacity(), common.originQueue(), responseBytes, events.stream().map(NodeEvent::parse).toList(),
        eventsFrom.equals("reset"));
  }
}
