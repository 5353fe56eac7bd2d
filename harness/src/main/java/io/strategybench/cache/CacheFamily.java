package io.strategybench.cache;

import io.strategybench.backend.ServiceTime;
import io.strategybench.cli.OptionTable;
import io.strategybench.family.FamilyBase;
import io.strategybench.family.StageFactory;
import io.strategybench.strategy.StrategyContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The caching family: which entries a bounded cache keeps, and how the cache stage protects its origin. */
public final class CacheFamily extends FamilyBase<CachePlan> {
  static final Set<String> STAMPEDE = Set.of("none", "single-flight", "xfetch", "lock-stale");
  static final Set<String> PENETRATION = Set.of("none", "negative-cache", "bloom");
  static final Set<String> AVALANCHE = Set.of("none", "jitter", "cold", "preload");

  public CacheFamily() {
    super(CachePolicy.FAMILY, 40, CachePlan.class, SimulateCacheCommand::new, MicroCacheCommand::new,
        CacheRunner::new, CacheSection::new);
  }

  @Override
  protected void check(CachePlan c, Problems problems) {
    for (int i = 0; i < c.workloads().size(); i++) {
      try {
        Workloads.describe(c.workloads().get(i));
      } catch (IllegalArgumentException e) {
        problems.at("workloads/" + i, e.getMessage());
      }
    }
    for (int i = 0; i < c.capacities().size(); i++) {
      if (!c.capacities().get(i).matches("\\d+(\\.\\d+)?%|\\d+")) {
        problems.at("capacities/" + i, "a capacity is a share of the workload's keys ('5%') or a number of"
            + " entries, got '" + c.capacities().get(i) + "'");
      } else if (Double.parseDouble(c.capacities().get(i).replace("%", "")) == 0) {
        // the run's Capacity.parse refuses a cache of no entries
        problems.at("capacities/" + i, "a cache holds at least 1 entry: give more than 0, got '"
            + c.capacities().get(i) + "'");
      }
    }
    for (int i = 0; i < c.traces().size(); i++) {
      try {
        TraceFormat.named(c.traces().get(i).format()); // as the run reads the trace
      } catch (IllegalArgumentException e) {
        problems.at("traces/" + i + "/format", e.getMessage());
      }
    }
    problems.serviceTime("load/originTime", c.load().originTime());
    oneOf(c.writeStrategies(), Set.copyOf(WriteStrategy.names()), "writeStrategies", problems);
    oneOf(c.stampede(), STAMPEDE, "stampede", problems);
    oneOf(c.penetration(), PENETRATION, "penetration", problems);
    oneOf(c.avalanche(), AVALANCHE, "avalanche", problems);
    if (c.load().zipf() <= 0) {
      problems.at("load/zipf", "must be greater than 0, got " + c.load().zipf());
    }
  }

  private static void oneOf(List<String> values, Set<String> valid, String field, Problems problems) {
    for (int i = 0; i < values.size(); i++) {
      if (!valid.contains(values.get(i))) {
        problems.at(field + "/" + i, "'" + values.get(i) + "' is not one of " + String.join(", ", new TreeSet<>(valid)));
      }
    }
  }

  @Override
  public List<Listing> listed() {
    Map<String, String> writes = new LinkedHashMap<>();
    for (WriteStrategy w : WriteStrategy.values()) {
      writes.put(w.cliName(), w.summary());
    }
    Map<String, String> protections = new LinkedHashMap<>();
    protections.put("ttl-jitter", "--ttl-jitter: spreads expiry times (avalanche)");
    protections.put("preload", "--preload: fills the cache before traffic (avalanche)");
    protections.put("single-flight", "--single-flight: one origin read per missing key at a time (stampede)");
    protections.put("xfetch", "--xfetch-beta: refreshes early, with a probability growing to expiry (stampede)");
    protections.put("lock-stale", "--lock-stale: one request refreshes, the others get the stale value (stampede)");
    protections.put("negative-cache", "--negative-ttl: remembers keys the origin lacks (penetration)");
    protections.put("bloom", "--bloom: answers 404 for keys the origin never had (penetration)");
    protections.put("stale-while-revalidate", "--stale-while-revalidate: serves stale while refreshing");
    protections.put("conditional-requests", "ETag and If-None-Match, always");
    return List.of(new Listing("writeStrategies", "write strategies of the cache stage (serve --write-strategy)",
            writes),
        new Listing("protections", "protections of the cache stage (serve options)", protections));
  }


  @Override
  public Set<String> timedSimulateFigures() {
    return Set.of("nanosPerRequest");
  }

  @Override
  public StageFactory stages() {
    return StageFactory.of("lru", () -> OptionTable.of(CacheOptions.class).bind(), request -> {
    CacheOptions o = request.options(CacheOptions.class);
    if (request.params().containsKey("capacity")) {
      throw new IllegalArgumentException("--param capacity: give the cache's capacity with --capacity");
    }
    CacheStage.Config config = o.build(); // names --capacity, --ttl, ... before the policy's checks
    Map<String, String> params = new LinkedHashMap<>(request.params());
    params.put("capacity", Long.toString(o.capacity()));
    request.strategy().validate(params);
    CachePolicy policy = (CachePolicy) request.strategy().create(params, StrategyContext.system());
    if (!request.last()) {
      // a stage behind it answers the misses: the cache keeps their responses
      List<String> originOnly = o.originOnly();
      if (!originOnly.isEmpty()) {
        throw new IllegalArgumentException(String.join(", ", originOnly) + ": only the cache with its own origin"
            + " (last in the pipeline) takes " + (originOnly.size() == 1 ? "it" : "them") + "; in front of"
            + " another stage the cache keeps the responses it passes on, and takes --capacity, --ttl and"
            + " --ttl-jitter");
      }
      return new StageFactory.Built(new ForwardingCacheStage(policy, request.strategy().name(), config.ttlNanos(),
          config.ttlJitter()), "a " + o.capacity() + "-entry cache in front of the next stage");
    }
    Origin origin = new Origin(new Origin.Config(o.keys(), ServiceTime.parse(request.common().originTime(),
        "--origin-time"), request.common().originCapacity(), request.common().originQueue()));
    return new StageFactory.Built(new CacheStage(policy, request.strategy().name(), origin, config),
        "a " + o.capacity() + "-entry cache (" + config.write().cliName() + ") in front of an origin of " + o.keys()
            + " keys");
    });
  }


}
