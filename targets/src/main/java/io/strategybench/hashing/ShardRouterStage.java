package io.strategybench.hashing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.strategybench.backend.ServiceQueue;
import io.strategybench.backend.ServiceTime;
import io.strategybench.server.AdminRequest;
import io.strategybench.server.AdminResponse;
import io.strategybench.server.Exchange;
import io.strategybench.server.Stage;
import io.strategybench.server.StageContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target as the router of a sharded cache: N cache nodes held in-process, each a bounded LRU of keys,
 * in front of one slow origin (a service-time distribution and a concurrency limit with a bounded queue).
 * Each request's path is its key; the stage asks the {@link ConsistentHash} which node owns it, answers
 * from that node on a hit, else fetches from the origin and fills the node. Nodes join and leave on a
 * timeline ({@link NodeEvent}) or through {@code /_/nodes}, so the hit ratio shows the dip each change
 * causes and how fast it recovers; per-second counters since the last reset draw that curve.
 */
public final class ShardRouterStage implements Stage {
  private static final Logger log = LoggerFactory.getLogger(ShardRouterStage.class);
  private static final int TIMELINE_SECONDS = 3600;

  /**
   * How the cache and its origin behave.
   *
   * @param nodes cache nodes at start ({@code n1..nN})
   * @param entriesPerNode keys each node's LRU holds
   * @param originTime the origin's service-time distribution
   * @param originCapacity requests the origin serves at once
   * @param originQueue requests waiting for the origin beyond that; more get 503
   * @param responseBytes body size of every answer
   * @param events node changes on the timeline
   * @param eventsFromReset start the timeline at the first {@code /_/reset} rather than at start, so a load
   *     generator's warm-up sees no change
   */
  public record Config(int nodes, int entriesPerNode, ServiceTime originTime, int originCapacity, int originQueue,
      int responseBytes, List<NodeEvent> events, boolean eventsFromReset) {
    public Config {
      if (nodes < 1 || nodes > 10_000) {
        throw new IllegalArgumentException("cache nodes must be 1..10000, got " + nodes);
      }
      if (entriesPerNode < 1) {
        throw new IllegalArgumentException("cache entries per node must be at least 1, got " + entriesPerNode);
      }
      if (originCapacity < 1 || originQueue < 0) {
        throw new IllegalArgumentException("origin capacity must be at least 1 and its queue at least 0");
      }
      if (responseBytes < 0 || responseBytes > 16 * 1024 * 1024) {
        throw new IllegalArgumentException("response size must be 0..16MiB, got " + responseBytes);
      }
      events = List.copyOf(events);
    }
  }

  /** One cache node: a bounded LRU and its counters. */
  static final class CacheNode implements HashNode {
    final String name;
    private final java.util.LinkedHashMap<String, Boolean> lru;
    final LongAdder requests = new LongAdder();
    final LongAdder hits = new LongAdder();
    final LongAdder evictions = new LongAdder();

    CacheNode(String name, int capacity) {
      this.name = name;
      this.lru = new java.util.LinkedHashMap<>(Math.min(capacity, 1 << 16) * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          if (size() > capacity) {
            evictions.increment();
            return true;
          }
          return false;
        }
      };
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int weight() {
      return 1;
    }

    synchronized boolean get(String key) {
      return lru.get(key) != null;
    }

    synchronized void put(String key) {
      lru.put(key, Boolean.TRUE);
    }

    synchronized int size() {
      return lru.size();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final ConsistentHash strategy;
  private final String strategyName;
  private final Config config;
  private final ByteBuf body;
  private final CopyOnWriteArrayList<CacheNode> nodes = new CopyOnWriteArrayList<>();
  /** Nodes removed since the last reset: their counters stay in the stats. */
  private final CopyOnWriteArrayList<CacheNode> removed = new CopyOnWriteArrayList<>();
  private final Object topology = new Object();
  private final ServiceQueue origin;
  private final LongAdder requests = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder originRequests = new LongAdder();
  private final LongAdder originShed = new LongAdder();
  private final AtomicLongArray requestsBySecond = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicLongArray hitsBySecond = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicLongArray originBySecond = new AtomicLongArray(TIMELINE_SECONDS);
  private final List<Map<String, Object>> changes = new CopyOnWriteArrayList<>();
  private final List<ScheduledFuture<?>> timeline = new ArrayList<>();
  private volatile long epochNanos = System.nanoTime();
  private EventLoopGroup group;
  private int nextNode;

  public ShardRouterStage(ConsistentHash strategy, String strategyName, Config config) {
    this.strategy = strategy;
    this.strategyName = strategyName;
    this.config = config;
    this.origin = new ServiceQueue(config.originCapacity(), config.originQueue());
    byte[] bytes = new byte[config.responseBytes()];
    java.util.Arrays.fill(bytes, (byte) 'c');
    this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes).asReadOnly());
  }

  @Override
  public String name() {
    return "hashing";
  }

  @Override
  public void start(StageContext context) {
    this.group = context.ioGroup();
    synchronized (topology) {
      for (int i = 0; i < config.nodes(); i++) {
        nodes.add(new CacheNode("n" + (++nextNode), config.entriesPerNode()));
      }
      strategy.setNodes(List.copyOf(nodes));
    }
    if (!config.eventsFromReset()) {
      restartTimeline();
    }
  }

  @Override
  public void handle(Exchange exchange) {
    String key = new QueryStringDecoder(exchange.request().uri()).path();
    HashNode owner = strategy.nodeFor(key);
    if (owner == null) {
      exchange.respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: no cache node\n");
      return;
    }
    // A node removed a moment ago may still be chosen by a lookup that started before: it still serves.
    if (!(owner instanceof CacheNode node)) {
      exchange.respond(HttpResponseStatus.INTERNAL_SERVER_ERROR, "500 Internal Server Error: strategy '"
          + strategyName + "' chose '" + owner + "', which is not one of its cache nodes\n");
      return;
    }
    int second = second();
    requests.increment();
    node.requests.increment();
    requestsBySecond.incrementAndGet(second);
    if (node.get(key)) {
      hits.increment();
      node.hits.increment();
      hitsBySecond.incrementAndGet(second);
      exchange.respond(answer(node, "HIT"));
      return;
    }
    strategy.placed(node);
    boolean admitted = origin.admit(exchange.eventLoop(), () -> {
      originRequests.increment();
      originBySecond.incrementAndGet(second());
      long nanos = config.originTime().sampleNanos(ThreadLocalRandom.current());
      exchange.eventLoop().schedule(() -> {
        origin.done();
        strategy.released(node);
        node.put(key);
        exchange.respond(answer(node, "MISS"));
      }, nanos, TimeUnit.NANOSECONDS);
    });
    if (!admitted) {
      strategy.released(node);
      originShed.increment();
      exchange.respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: the origin is over capacity"
          + " and its queue is full\n");
    }
  }

  private FullHttpResponse answer(CacheNode node, String cache) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        body.retainedDuplicate());
    response.headers().set("x-cache", cache);
    response.headers().set("x-node", node.name);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
    return response;
  }

  private int second() {
    long s = (System.nanoTime() - epochNanos) / 1_000_000_000L;
    return (int) Math.min(Math.max(s, 0), TIMELINE_SECONDS - 1);
  }

  /** Adds a node with an empty cache; returns its name. */
  public String addNode() {
    synchronized (topology) {
      CacheNode node = new CacheNode("n" + (nextNode + 1), config.entriesPerNode());
      List<CacheNode> next = new ArrayList<>(nodes);
      next.add(node);
      strategy.setNodes(next); // may refuse (a Maglev table smaller than the nodes): then nothing changes
      nextNode++;
      nodes.add(node);
      record("added " + node.name);
      return node.name;
    }
  }

  /** Removes a node (its cache is lost); the middle one when {@code name} is null. */
  public String removeNode(String name) {
    synchronized (topology) {
      CacheNode node = name == null ? nodes.get(nodes.size() / 2) : find(name);
      if (node == null) {
        throw new IllegalArgumentException("no cache node '" + name + "'; nodes: "
            + String.join(", ", nodes.stream().map(n -> n.name).toList()));
      }
      if (nodes.size() == 1) {
        throw new IllegalStateException("cannot remove the last cache node");
      }
      List<CacheNode> next = new ArrayList<>(nodes);
      next.remove(node);
      strategy.setNodes(next);
      nodes.remove(node);
      removed.add(node);
      record("removed " + node.name);
      return node.name;
    }
  }

  private void record(String change) {
    double at = Math.round((System.nanoTime() - epochNanos) / 1e6) / 1000.0;
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("atSeconds", at);
    entry.put("change", change);
    changes.add(entry);
    log.info("cache nodes at {}s: {}", at, change);
  }

  private CacheNode find(String name) {
    for (CacheNode node : nodes) {
      if (node.name.equals(name)) {
        return node;
      }
    }
    return null;
  }

  private void restartTimeline() {
    synchronized (timeline) {
      timeline.forEach(f -> f.cancel(false));
      timeline.clear();
      for (NodeEvent event : config.events()) {
        timeline.add(group.next().schedule(() -> {
          try {
            if (event.add()) {
              addNode();
            } else {
              removeNode(event.node());
            }
          } catch (RuntimeException e) {
            log.warn("node event {} failed: {}", event, e.getMessage());
          }
        }, event.offsetNanos(), TimeUnit.NANOSECONDS));
      }
    }
  }

  @Override
  public boolean isReady() {
    return !nodes.isEmpty();
  }

  @Override
  public Map<String, Object> stats() {
    long total = requests.sum();
    List<Map<String, Object>> perNode = new ArrayList<>();
    List<CacheNode> all = new ArrayList<>(nodes);
    all.addAll(removed);
    all.sort(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.name.substring(1))));
    for (CacheNode n : all) {
      Map<String, Object> m = new LinkedHashMap<>();
      long r = n.requests.sum();
      m.put("name", n.name);
      m.put("removed", removed.contains(n));
      m.put("requests", r);
      m.put("hits", n.hits.sum());
      m.put("hitRatio", r == 0 ? 0.0 : round((double) n.hits.sum() / r));
      m.put("share", total == 0 ? 0.0 : round((double) r / total));
      m.put("entries", n.size());
      m.put("evictions", n.evictions.sum());
      perNode.add(m);
    }
    int seconds = Math.min(second() + 1, TIMELINE_SECONDS);
    List<Long> requestSeries = new ArrayList<>();
    List<Long> hitSeries = new ArrayList<>();
    List<Long> originSeries = new ArrayList<>();
    for (int i = 0; i < seconds; i++) {
      requestSeries.add(requestsBySecond.get(i));
      hitSeries.add(hitsBySecond.get(i));
      originSeries.add(originBySecond.get(i));
    }
    Map<String, Object> series = new LinkedHashMap<>();
    series.put("requests", requestSeries);
    series.put("hits", hitSeries);
    series.put("originRequests", originSeries);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("strategy", strategyName);
    out.put("nodes", perNode);
    out.put("requests", total);
    out.put("hits", hits.sum());
    out.put("hitRatio", total == 0 ? 0.0 : round((double) hits.sum() / total));
    out.put("originRequests", originRequests.sum());
    out.put("originShed", originShed.sum());
    out.put("originPeakInFlight", origin.peakBusy());
    out.put("changes", List.copyOf(changes));
    out.put("perSecond", series);
    return out;
  }

  @Override
  public void reset() {
    for (LongAdder a : List.of(requests, hits, originRequests, originShed)) {
      a.reset();
    }
    removed.clear();
    for (CacheNode n : nodes) {
      n.requests.reset();
      n.hits.reset();
      n.evictions.reset();
    }
    epochNanos = System.nanoTime(); // first: a request counted while the arrays are cleared goes to second 0
    for (int i = 0; i < TIMELINE_SECONDS; i++) {
      requestsBySecond.set(i, 0);
      hitsBySecond.set(i, 0);
      originBySecond.set(i, 0);
    }
    changes.clear();
    origin.resetPeak();
    restartTimeline();
  }

  @Override
  public AdminResponse admin(AdminRequest request) {
    List<String> path = request.segments();
    if (path.isEmpty() || !path.get(0).equals("nodes")) {
      return null;
    }
    if (path.size() == 1) {
      return switch (request.method()) {
        case "GET" -> AdminResponse.ok(nodes.stream().map(n -> n.name).toList());
        case "POST" -> {
          try {
            yield new AdminResponse(201, Map.of("added", addNode()));
          } catch (io.strategybench.strategy.InvalidParameterException e) {
            yield AdminResponse.error(409, "cannot add a cache node: " + e.getMessage());
          }
        }
        default -> AdminResponse.error(405, "/_/nodes takes GET or POST");
      };
    }
    if (path.size() == 2 && request.method().equals("DELETE")) {
      try {
        return AdminResponse.ok(Map.of("removed", removeNode(path.get(1))));
      } catch (IllegalStateException e) {
        return AdminResponse.error(409, e.getMessage());
      } catch (IllegalArgumentException e) {
        return AdminResponse.error(404, e.getMessage());
      }
    }
    return AdminResponse.error(405, request.path() + ": use GET or POST /_/nodes, DELETE /_/nodes/NAME");
  }

  @Override
  public void close() {
    synchronized (timeline) {
      timeline.forEach(f -> f.cancel(false));
      timeline.clear();
    }
  }

  private static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }

  /** Names of the current nodes. */
  public List<String> nodeNames() {
    return nodes.stream().map(n -> n.name).toList();
  }

}
