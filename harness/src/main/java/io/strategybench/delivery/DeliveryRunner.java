package io.strategybench.delivery;

import io.strategybench.family.PlanRun;
import io.strategybench.ratelimit.RedisForSimulation;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.run.Figures;
import io.strategybench.run.GatlingRun;
import io.strategybench.run.InstanceKiller;
import io.strategybench.run.LoadStep;
import io.strategybench.run.MicroLens;
import io.strategybench.run.RunContext;
import io.strategybench.run.TargetProcess;
import io.strategybench.server.Json;
import io.strategybench.strategy.StrategyDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The delivery family's part of a suite run: the virtual-clock simulation of every channel with every fan-out (and
 * an instance outage), JMH of encoding one event per channel and of a webhook's signature, Gatling runs of
 * subscribers pinned to the instances with events published on any of them and one instance killed and started
 * again, and the capacity of one instance per channel: the most subscribers it holds with delivery p95 under the
 * plan's bound.
 */
final class DeliveryRunner extends PlanRun<DeliveryPlan> {
  private static final String FAMILY = DeliveryChannel.FAMILY.name();

  DeliveryRunner(RunContext run, DeliveryPlan planned) {
    super(run, planned, DeliveryPlan::withLoadSeconds);
  }

  private List<StrategyDescriptor<DeliveryChannel>> loaded(DeliveryPlan plan) {
    return run.chosen(DeliveryChannel.FAMILY).stream()
        .filter(d -> plan.loadStrategies() == null || plan.loadStrategies().isEmpty()
            || plan.loadStrategies().contains(d.name()))
        .toList();
  }

  private static double loadSeconds(DeliveryPlan plan) {
    return plan.warmupSeconds() + plan.loadSeconds() + 12;
  }

  private static double capacitySeconds(DeliveryPlan plan) {
    return plan.capacitySubscribers() == null ? 0 : plan.capacitySubscribers().size() * (plan.capacitySeconds() + 9);
  }

  @Override
  public double estimateSeconds() {
    DeliveryPlan plan = plan();
    int n = run.chosen(DeliveryChannel.FAMILY).size();
    double micro = plan.micro().iterationSeconds() + 3;
    int loads = loaded(plan).size();
    return (run.wants("simulate") ? n * plan.fanouts().size() * 1.0 : 0)
        + (run.wants("micro") ? n * micro : 0)
        + (run.wants("load") ? loads * (plan.loadFanoutsOrAll().size() * loadSeconds(plan) + capacitySeconds(plan))
            : 0);
  }

  @Override
  public void run() throws IOException, InterruptedException {
    DeliveryPlan plan = plan();
    List<StrategyDescriptor<DeliveryChannel>> chosen = new ArrayList<>(run.chosen(DeliveryChannel.FAMILY));
    FamilyResults family = run.addFamily(DeliveryChannel.FAMILY, workload(plan), chosen);
    if (run.wants("simulate")) {
      simulate(plan, chosen, family);
    }
    if (run.wants("micro")) {
      MicroLens.Settings m = plan.micro();
      run.microEach(family, chosen.stream().map(StrategyDescriptor::name).toList(), m.iterationSeconds() + 3,
          (strategy, json, progress) -> DeliveryMicro.run(List.of(strategy), m, List.of(1), run.registry().plugins(),
              progress, json));
    }
    if (run.wants("load") && !loaded(plan).isEmpty()) {
      load(plan, family);
    }
  }

  private static Map<String, Object> workload(DeliveryPlan plan) {
    Map<String, Object> w = new LinkedHashMap<>();
    Map<String, Object> sim = new LinkedHashMap<>();
    sim.put("fanouts", plan.fanouts());
    sim.put("subscribers", plan.subscribers());
    sim.put("instances", plan.instances());
    sim.put("eventsPerSecond", plan.eventsPerSecond());
    sim.put("seconds", plan.simulateSeconds());
    sim.put("oneWayDelayMillis", plan.oneWayDelayMillis());
    sim.put("publishHopMillis", plan.publishHopMillis());
    sim.put("outageAtSeconds", plan.outageAtSeconds());
    sim.put("outageMillis", plan.outageMillis());
    sim.put("seed", plan.seed());
    w.put("simulate", sim);
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("fanouts", plan.loadFanoutsOrAll());
    load.put("instances", plan.instances());
    load.put("subscribers", plan.loadSubscribers());
    load.put("eventsPerSecond", plan.loadEventsPerSecond());
    load.put("seconds", plan.loadSeconds());
    load.put("killAt", plan.killAt());
    load.put("restartSeconds", plan.restartSeconds());
    load.put("capacitySubscribers", plan.capacitySubscribers());
    load.put("capacityEventsPerSecond", plan.capacityEventsPerSecond());
    load.put("capacityP95Millis", plan.capacityP95Millis());
    w.put("load", load);
    return w;
  }

  // ---- simulate -----------------------------------------------------------------------------------------------

  private void simulate(DeliveryPlan plan, List<StrategyDescriptor<DeliveryChannel>> chosen, FamilyResults family)
      throws IOException, InterruptedException {
    run.eachStrategy(family, "simulate", FAMILY + " simulate", chosen, StrategyDescriptor::name,
        d -> plan.fanouts().size() * 1.0, (d, s) -> {
          List<Map<String, Object>> runs = new ArrayList<>();
          List<Check> checks = new ArrayList<>();
          for (String fanout : plan.fanouts()) {
            DeliverySimulations.Outcome o = DeliverySimulations.run(d, run.registry(), plan, fanout);
            runs.add(o.figures());
            checks.addAll(o.checks());
          }
          synchronized (run.results()) {
            s.simulate = Map.of("runs", runs);
            s.checks.addAll(checks);
          }
        });
  }

  // ---- load -----------------------------------------------------------------------------------------------------

  private void load(DeliveryPlan plan, FamilyResults family) throws IOException, InterruptedException {
    boolean needsRedis = plan.loadFanoutsOrAll().stream().anyMatch(f -> f.startsWith("redis"));
    RedisForSimulation redis = null;
    if (needsRedis) {
      try {
        redis = RedisForSimulation.open(null);
      } catch (RuntimeException e) {
        run.progress().note("        delivery: the redis fan-outs get no load run: no redis-server could start ("
            + e.getMessage() + "; Debian: apt-get install redis-server)");
      }
    }
    try {
      String redisUri = redis == null ? null : redis.uri();
      List<StrategyDescriptor<DeliveryChannel>> channels = loaded(plan);
      run.eachStrategy(family, "load", FAMILY + " load:", channels, StrategyDescriptor::name,
          d -> plan.loadFanoutsOrAll().size() * loadSeconds(plan) + capacitySeconds(plan), (d, s) -> {
            List<Map<String, Object>> runs = new ArrayList<>();
            List<Check> checks = new ArrayList<>();
            if (d.has(DeliveryChannel.SERVER_TO_SERVER)) {
              Map<String, Object> r = webhookRun(plan, d, redisUri);
              List<Check> hookChecks = webhookChecks(r);
              run.progress().note(String.format(Locale.ROOT, "        %s: %s published, %s delivered, %s"
                  + " dead-lettered, %s unaccounted, p50 %s ms, p99 %s ms",
                  d.name(), Figures.fmt(r.get("published")), Figures.fmt(r.get("delivered")),
                  Figures.fmt(r.get("deadLettered")), Figures.fmt(r.get("unaccounted")),
                  Figures.fmt(r.get("p50Millis")), Figures.fmt(r.get("p99Millis"))));
              synchronized (run.results()) {
                s.load = Map.of("runs", List.of(r));
                s.checks.addAll(hookChecks);
              }
              return;
            }
            for (String fanout : plan.loadFanoutsOrAll()) {
              if (fanout.startsWith("redis") && redisUri == null) {
                continue;
              }
              Map<String, Object> r = loadRun(plan, d, fanout, redisUri);
              runs.add(r);
              checks.addAll(loadChecks(d, r));
              run.progress().note(String.format(Locale.ROOT, "        %s/%s: p50 %s ms, p99 %s ms, %s events/s,"
                  + " %s requests and %s bytes per event, gaps %s, duplicates %s", d.name(), fanout,
                  Figures.fmt(r.get("p50Millis")), Figures.fmt(r.get("p99Millis")),
                  Figures.fmt(r.get("eventsPerSecond")), Figures.fmt(r.get("requestsPerEvent")),
                  Figures.fmt(r.get("bytesPerEvent")), Figures.fmt(r.get("gaps")), Figures.fmt(r.get("duplicates"))));
            }
            Map<String, Object> load = new LinkedHashMap<>();
            load.put("runs", runs);
            if (plan.capacitySubscribers() != null && !plan.capacitySubscribers().isEmpty()) {
              Map<String, Object> capacity = capacity(plan, d);
              load.put("capacity", capacity);
              run.progress().note(String.format(Locale.ROOT, "        %s capacity: %s subscribers with p95 under %s"
                  + " ms (%s)", d.name(), Figures.fmt(capacity.get("subscribers")),
                  Figures.fmt(plan.capacityP95Millis()), capacity.get("limitedBy")));
            }
            synchronized (run.results()) {
              s.load = load;
              s.checks.addAll(checks);
            }
          });
    } finally {
      if (redis != null) {
        redis.close();
      }
    }
  }

  /** The serve arguments of one instance. */
  private static List<String> serve(DeliveryPlan plan, String channel, String fanout, String redisUri,
      String namespace, Path dir) {
    List<String> serve = new ArrayList<>(List.of("--stage", FAMILY + ":" + channel, "--fanout", fanout,
        "--fanout-namespace", namespace, "--io-threads", String.valueOf(plan.ioThreads()), "--hlog",
        LoadStep.serverLog(dir).toString()));
    if (redisUri != null && fanout.startsWith("redis")) {
      serve.addAll(List.of("--fanout-redis", redisUri));
    }
    return serve;
  }

  /**
   * Subscribers pinned to the instances (local: one instance), events published on them in turn, instance 2 (local:
   * the only one) killed {@code killAt} into the measured phase and started again on its port.
   */
  private Map<String, Object> loadRun(DeliveryPlan plan, StrategyDescriptor<DeliveryChannel> channel, String fanout,
      String redisUri) throws IOException, InterruptedException {
    int n = "local".equals(fanout) ? 1 : plan.instances();
    Path work = run.folder().resolve("load").resolve(FAMILY).resolve(channel.name() + "-" + fanout);
    String label = FAMILY + " " + channel.name() + "/" + fanout + " on " + n + " instance" + (n == 1 ? "" : "s");
    String namespace = "sb-" + Long.toString(System.nanoTime(), 36);
    try (LoadStep step = run.loadStep(label, work)) {
      step.tolerate(250, "instances, Gatling and Redis share the machine by design; the run counts gaps and"
          + " duplicates per subscriber, which scheduling delays do not change, and reports latency as measured");
      List<TargetProcess> instances = new ArrayList<>();
      List<List<String>> serveArgs = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        Path dir = work.resolve("instance-" + i);
        List<String> serve = serve(plan, channel.name(), fanout, redisUri, namespace, dir);
        serveArgs.add(serve);
        instances.add(step.target("instance " + i, serve, dir));
      }
      Map<String, String> properties = properties(plan, channel.name(), instances, plan.loadSubscribers(),
          plan.loadEventsPerSecond(), plan.loadSeconds(), work);
      // local runs one instance and kills none: its event history (and numbering) would die with it, which says
      // nothing about the channel (the simulation shows what local loses)
      InstanceKiller killer = plan.killAt() > 0 && n > 1 ? InstanceKiller.start(step, instances, 1,
          serveArgs.get(1), work.resolve("instance-2"), plan.killAt() * plan.loadSeconds(), plan.restartSeconds())
          : null;
      GatlingRun.Result gatling;
      try {
        gatling = step.gatling(DeliverySimulation.class, properties, "publish");
      } finally {
        if (killer != null) {
          killer.finish();
        }
      }
      List<Map<String, Object>> extra = killer == null || killer.statsBeforeKill().isEmpty() ? List.of()
          : List.of(killer.statsBeforeKill());
      Map<String, Object> out = figures(work, instances, extra, fanout, n);
      if (killer != null) {
        out.put("kill", killer.report());
      }
      out.put("files", run.loadFiles(gatling, work));
      return out;
    }
  }

  private Map<String, String> properties(DeliveryPlan plan, String channel, List<TargetProcess> instances,
      int subscribers, double rate, int seconds, Path work) {
    Map<String, String> properties = run.loadProperties(instances.get(0), rate, seconds, plan.warmupSeconds());
    properties.put("instances", String.join(",", instances.stream().map(TargetProcess::url).toList()));
    properties.put("channel", channel);
    properties.put("subscribers", String.valueOf(subscribers));
    properties.put("publish.rate", String.valueOf(rate));
    StrategyDescriptor<DeliveryChannel> d = run.registry().strategy(DeliveryChannel.FAMILY, channel);
    DeliveryChannel c = d.create(Map.of(), io.strategybench.strategy.StrategyContext.system());
    if (c instanceof ShortPoll sp) {
      properties.put("poll.interval", String.valueOf(sp.intervalMillis()));
    }
    if (c instanceof LongPoll lp) {
      // held at most 10 s by the client's own wait: Gatling's request timeout is 15 s
      properties.put("poll.wait", String.valueOf(Math.max(1, Math.min(10, lp.timeoutMillis() / 1000))));
    }
    properties.put("reconnect", "500");
    properties.put("delivery.out", work.resolve("delivery.json").toString());
    properties.put("delivery.hlog", work.resolve("delivery.hlog").toString());
    return properties;
  }

  /** What the subscribers saw (delivery.json) and what the instances counted (their stage stats), together. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> figures(Path work, List<TargetProcess> instances, String fanout, int n)
      throws IOException, InterruptedException {
    return figures(work, instances, List.of(), fanout, n);
  }

  /**
   * As above, with {@code before}: the stats of instances that were killed (taken just before), whose counters the
   * restarted ones do not have.
   */
  private static Map<String, Object> figures(Path work, List<TargetProcess> instances,
      List<Map<String, Object>> before, String fanout, int n) throws IOException, InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("fanout", fanout);
    out.put("instances", n);
    Path json = work.resolve("delivery.json");
    Map<String, Object> client = Files.exists(json) ? Json.MAPPER.readValue(json.toFile(), Map.class) : Map.of();
    for (String key : List.of("subscribers", "published", "publishFailed", "publishLost", "expected", "delivered",
        "gaps", "duplicates", "unconfirmed", "reconnects", "connectFailures", "drops", "requests", "payloadBytes",
        "eventsPerSecond")) {
      if (client.containsKey(key)) {
        out.put(key, client.get(key));
      }
    }
    Map<String, Object> latency = Figures.asMap(client.get("latencyMillis"));
    for (String p : List.of("p50", "p90", "p99", "max")) {
      if (latency.get(p) != null) {
        out.put(p + "Millis", latency.get(p));
      }
    }
    long wireOut = 0;
    long wireIn = 0;
    long peak = 0;
    long serverRequests = 0;
    List<Map<String, Object>> all = new ArrayList<>(before);
    for (TargetProcess t : instances) {
      try {
        all.add(t.stats());
      } catch (RuntimeException | IOException e) {
        // an instance that does not answer adds nothing
      }
    }
    for (Map<String, Object> stats : all) {
      Map<String, Object> stage = Figures.asMap(Figures.nested(stats, "stages", FAMILY));
      wireOut += (long) Figures.asDouble(stage.getOrDefault("wireBytesOut", 0));
      wireIn += (long) Figures.asDouble(stage.getOrDefault("wireBytesIn", 0));
      peak += (long) Figures.asDouble(stage.getOrDefault("peakHeld", 0));
      serverRequests += (long) (Figures.asDouble(stage.getOrDefault("polls", 0))
          + Figures.asDouble(stage.getOrDefault("streams", 0)) + Figures.asDouble(stage.getOrDefault("upgrades", 0)));
    }
    double delivered = Figures.asDouble(client.getOrDefault("delivered", 0));
    out.put("serverRequests", serverRequests);
    out.put("wireBytes", wireOut + wireIn);
    out.put("connectionsPeak", peak);
    if (delivered > 0) {
      out.put("requestsPerEvent", Figures.round(serverRequests / delivered));
      out.put("bytesPerEvent", Figures.round((wireOut + wireIn) / delivered));
    }
    out.put("histogram", work.relativize(work.resolve("delivery.hlog")).toString());
    return out;
  }

  /** Gaps and duplicates by what the fan-out promises through the kill. */
  private static List<Check> loadChecks(StrategyDescriptor<DeliveryChannel> channel, Map<String, Object> r) {
    List<Check> checks = new ArrayList<>();
    if (!r.containsKey("delivered") || Figures.asDouble(r.get("delivered")) <= 0) {
      return checks;
    }
    String fanout = String.valueOf(r.get("fanout"));
    double gaps = Figures.asDouble(r.get("gaps"));
    double duplicates = Figures.asDouble(r.get("duplicates"));
    String where = channel.name() + "/" + fanout + ": ";
    if (channel.has(DeliveryChannel.RESUMES)) {
      checks.add(new Check(where + "no subscriber gets an event twice (resume by id)", "load", duplicates == 0,
          duplicates, "== 0"));
    }
    Map<String, Object> kill = Figures.asMap(r.get("kill"));
    boolean killedAndBack = kill.containsKey("downSeconds") && !kill.containsKey("error");
    if ("redis-streams".equals(fanout) && channel.has(DeliveryChannel.RESUMES) && killedAndBack) {
      checks.add(new Check(where + "an instance killed and back: its subscribers resume and miss nothing", "load",
          gaps == 0, gaps, "== 0"));
    }
    return checks;
  }

  // ---- webhooks ---------------------------------------------------------------------------------------------------

  /** Receivers of the webhook load run and how each misbehaves. */
  private static final List<String> RECEIVERS = List.of("steady", "flaky-500", "throttled-429", "slow-timeouts",
      "away");

  /**
   * Webhooks under load: receivers in this process, one answering 200, one 500 to 30%% of requests, one 429 with
   * Retry-After: 1 for a while, one holding answers past the sender's timeout, one away (its socket closed) for a
   * while; each subscribed on every instance; Gatling publishes on the instances in turn (the instance that takes a
   * publish sends its webhooks). Per receiver: what it got (deduplicated on webhook-id), what the senders
   * dead-lettered, and what neither accounts for (should be nothing once every retry has settled).
   */
  private Map<String, Object> webhookRun(DeliveryPlan plan, StrategyDescriptor<DeliveryChannel> channel,
      String redisUri) throws IOException, InterruptedException {
    // the events need sequence numbers of the whole system (one per event, whichever instance took it): a Redis
    // fan-out gives them; without Redis, one instance
    String fanout = redisUri != null ? "redis-streams" : "local";
    int n = redisUri != null ? plan.instances() : 1;
    String namespace = "sb-webhook-" + Long.toString(System.nanoTime(), 36); // one for all instances: they share events
    Path work = run.folder().resolve("load").resolve(FAMILY).resolve(channel.name() + "-" + fanout);
    String secret = io.strategybench.delivery.webhook.WebhookSignature.newSecret(new java.util.SplittableRandom(
        plan.seed()));
    List<io.strategybench.delivery.webhook.WebhookReceiverServer> receivers = new ArrayList<>();
    List<Thread> misbehaving = new ArrayList<>();
    try (LoadStep step = run.loadStep(FAMILY + " webhook to " + RECEIVERS.size() + " receivers from " + n
        + " instances", work)) {
      step.tolerate(250, "instances, receivers and Gatling share the machine by design; the run counts deliveries");
      for (int i = 0; i < RECEIVERS.size(); i++) {
        receivers.add(io.strategybench.delivery.webhook.WebhookReceiverServer.start(secret, 0));
      }
      List<TargetProcess> instances = new ArrayList<>();
      List<List<String>> serveArgs = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        Path dir = work.resolve("instance-" + i);
        List<String> serve = serve(plan, channel.name(), fanout, redisUri, namespace, dir);
        // short waits so that retries finish within the run: 200 ms, doubling to 2 s, 1 s per attempt, 8 attempts
        serve.addAll(List.of("-p", "initial-delay-millis=200", "-p", "max-delay-millis=2000", "-p",
            "timeout-millis=1000", "-p", "max-attempts=8"));
        serveArgs.add(serve);
        TargetProcess t = step.target("instance " + i, serve, dir);
        instances.add(t);
        subscribeAll(t, receivers, secret);
      }
      Map<String, String> properties = properties(plan, channel.name(), instances, RECEIVERS.size(),
          plan.loadEventsPerSecond(), plan.loadSeconds(), work);
      properties.put("warmup", "0"); // the senders' counters are not reset: every publish is measured
      properties.put("drain", "2");
      double seconds = plan.loadSeconds();
      misbehaving.add(later(0, () -> receivers.get(1).failShare(0.3, plan.seed())));
      misbehaving.add(later(seconds * 0.2, () -> receivers.get(3).holdNext(3)));
      misbehaving.add(later(seconds * 0.3, () -> receivers.get(2).throttle(1)));
      misbehaving.add(later(seconds * 0.3 + 2, () -> receivers.get(2).throttle(0)));
      misbehaving.add(later(seconds * 0.5, () -> receivers.get(4).away()));
      misbehaving.add(later(seconds * 0.5 + 3, () -> receivers.get(4).back()));
      // no instance is killed here: a sender's pending retries live in its memory (as in most senders), and the
      // run checks that every event is delivered or dead-lettered, exactly
      GatlingRun.Result gatling;
      try {
        gatling = step.gatling(DeliverySimulation.class, properties, "publish");
      } finally {
        for (Thread t : misbehaving) {
          t.interrupt();
        }
      }
      Map<String, Object> settle = settle(instances);
      Map<String, Object> out = webhookFigures(work, instances, receivers, fanout);
      out.put("settle", settle);
      out.put("files", run.loadFiles(gatling, work));
      return out;
    } finally {
      for (var r : receivers) {
        r.close();
      }
    }
  }

  /**
   * Waits until no instance has a webhook delivery unsettled (sent, waiting to retry, or queued), 60 s at most: the
   * last events' retries end after the publishing does.
   */
  private static Map<String, Object> settle(List<TargetProcess> instances) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + 60_000_000_000L;
    double pending = -1;
    while (System.nanoTime() < deadline) {
      pending = 0;
      for (TargetProcess t : instances) {
        try {
          pending += Figures.asDouble(Figures.nested(t.stats(), "stages", FAMILY, "webhooks", "inFlight"));
        } catch (RuntimeException | IOException e) {
          pending += 1;
        }
      }
      if (pending == 0) {
        break;
      }
      Thread.sleep(200);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seconds", Figures.round((System.nanoTime() - start) / 1e9));
    m.put("unsettled", pending);
    return m;
  }

  /** Registers every receiver on {@code instance} ({@code POST /subscriptions}). */
  private static void subscribeAll(TargetProcess instance,
      List<io.strategybench.delivery.webhook.WebhookReceiverServer> receivers, String secret)
      throws IOException, InterruptedException {
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .connectTimeout(java.time.Duration.ofSeconds(5)).build();
    for (int i = 0; i < receivers.size(); i++) {
      String body = Json.write(Map.of("id", RECEIVERS.get(i), "url", receivers.get(i).url().toString(), "secret",
          secret));
      var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(instance.url()
          + "/subscriptions")).timeout(java.time.Duration.ofSeconds(10))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new IOException("subscribing receiver " + RECEIVERS.get(i) + " on " + instance.url() + " failed: "
            + response.statusCode() + " " + response.body().trim());
      }
    }
  }

  /** Runs {@code action} {@code seconds} from now on a daemon thread of its own. */
  private static Thread later(double seconds, Action action) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep((long) (seconds * 1000));
        action.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "webhook-misbehaviour");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private interface Action {
    void run() throws InterruptedException;
  }

  private static Map<String, Object> webhookFigures(Path work, List<TargetProcess> instances,
      List<io.strategybench.delivery.webhook.WebhookReceiverServer> receivers, String fanout)
      throws IOException, InterruptedException {
    Map<String, Object> out = figures(work, instances, fanout, instances.size());
    long published = (long) Figures.asDouble(out.getOrDefault("published", 0));
    Map<String, Map<String, Object>> senders = new LinkedHashMap<>();
    for (TargetProcess t : instances) {
      Map<String, Object> stats;
      try {
        stats = t.stats();
      } catch (RuntimeException | IOException e) {
        continue;
      }
      Map<String, Object> by = Figures.asMap(Figures.nested(stats, "stages", FAMILY, "webhooks", "bySubscription"));
      for (Map.Entry<String, Object> e : by.entrySet()) {
        Map<String, Object> sum = senders.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>());
        Figures.asMap(e.getValue()).forEach((k, v) -> sum.merge(k, Figures.asDouble(v),
            (a, b) -> Figures.asDouble(a) + Figures.asDouble(b)));
      }
    }
    org.HdrHistogram.Histogram all = new org.HdrHistogram.Histogram(3);
    List<Map<String, Object>> perReceiver = new ArrayList<>();
    long delivered = 0;
    long dead = 0;
    long unaccounted = 0;
    long attempts = 0;
    for (int i = 0; i < receivers.size(); i++) {
      var r = receivers.get(i);
      org.HdrHistogram.Histogram h = r.latencyMicros().getIntervalHistogram();
      all.add(h);
      Map<String, Object> sender = senders.getOrDefault(RECEIVERS.get(i), Map.of());
      long got = r.seqs().size();
      long deadLettered = (long) Figures.asDouble(sender.getOrDefault("deadLettered", 0));
      long missing = Math.max(0, published - got - deadLettered);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("receiver", RECEIVERS.get(i));
      m.put("delivered", got);
      m.put("deadLettered", deadLettered);
      m.put("unaccounted", missing);
      m.put("duplicatesAtReceiver", r.stats().get("duplicates"));
      m.put("received", r.stats().get("received"));
      m.put("attempts", sender.getOrDefault("attempts", 0));
      m.put("retries", sender.getOrDefault("retries", 0));
      if (h.getTotalCount() > 0) {
        m.put("p50Millis", Figures.round(h.getValueAtPercentile(50) / 1000.0));
        m.put("p99Millis", Figures.round(h.getValueAtPercentile(99) / 1000.0));
      }
      perReceiver.add(m);
      delivered += got;
      dead += deadLettered;
      unaccounted += missing;
      attempts += (long) Figures.asDouble(sender.getOrDefault("attempts", 0));
    }
    out.put("receivers", perReceiver);
    out.put("delivered", delivered);
    out.put("deadLettered", dead);
    out.put("unaccounted", unaccounted);
    out.put("expected", published * receivers.size());
    out.put("attempts", attempts);
    if (delivered > 0) {
      out.put("requestsPerEvent", Figures.round((double) attempts / delivered));
    }
    if (all.getTotalCount() > 0) {
      out.put("p50Millis", Figures.round(all.getValueAtPercentile(50) / 1000.0));
      out.put("p90Millis", Figures.round(all.getValueAtPercentile(90) / 1000.0));
      out.put("p99Millis", Figures.round(all.getValueAtPercentile(99) / 1000.0));
      out.put("maxMillis", Figures.round(all.getMaxValue() / 1000.0));
    }
    out.remove("bytesPerEvent");
    out.remove("gaps");
    return out;
  }

  /** Every receiver's events either arrive or are dead-lettered; none twice at a receiver after deduplication. */
  private static List<Check> webhookChecks(Map<String, Object> r) {
    List<Check> checks = new ArrayList<>();
    double published = Figures.asDouble(r.getOrDefault("published", 0));
    if (published <= 0) {
      return checks;
    }
    double unaccounted = Figures.asDouble(r.get("unaccounted"));
    checks.add(new Check("webhooks to misbehaving receivers: delivered + dead-lettered = published for every"
        + " receiver", "load", unaccounted == 0, unaccounted, "== 0"));
    return checks;
  }

  // ---- capacity -------------------------------------------------------------------------------------------------

  /**
   * One instance, local fan-out, the plan's subscriber counts in turn: the most it holds with delivery p95 under
   * the bound, every subscriber connected, no gaps; and what stopped the next step.
   */
  private Map<String, Object> capacity(DeliveryPlan plan, StrategyDescriptor<DeliveryChannel> channel)
      throws IOException, InterruptedException {
    List<Map<String, Object>> steps = new ArrayList<>();
    // a short poller's staleness is up to its interval whatever the load: its capacity steps poll often enough for
    // the bound (every 0.4 x the bound, 100 ms for 250 ms), so that what limits it is the instance
    long pollInterval = channel.has(DeliveryChannel.PULL) && !channel.has(DeliveryChannel.HOLDS_CONNECTION)
        ? Math.max(1, Math.round(plan.capacityP95Millis() * 0.4)) : 0;
    int held = 0;
    String limitedBy = "none within the steps tried (the largest held)";
    List<Integer> counts = plan.capacitySubscribers();
    for (int i = 0, attempt = 1; i < counts.size(); attempt++) {
      int subscribers = counts.get(i);
      Path work = run.folder().resolve("load").resolve(FAMILY).resolve(channel.name() + "-capacity-" + subscribers
          + (attempt > 1 ? "-again" : ""));
      Map<String, Object> r;
      String failed;
      try (LoadStep step = run.loadStep(FAMILY + " " + channel.name() + " capacity " + subscribers, work)) {
        step.tolerate(250, "a capacity step measures what the machine gives");
        TargetProcess t = step.target("instance", serve(plan, channel.name(), "local", null, "cap", work), work);
        Map<String, String> p = properties(plan, channel.name(), List.of(t), subscribers,
            plan.capacityEventsPerSecond(), plan.capacitySeconds(), work);
        if (pollInterval > 0) {
          p.put("poll.interval", String.valueOf(pollInterval));
        }
        try {
          step.gatling(DeliverySimulation.class, p, "publish");
          r = figures(work, List.of(t), "local", 1);
          r.put("p95Millis", DeliveryHistograms.percentileMillis(work.resolve("delivery.hlog"), 95));
          failed = capacityFailure(plan, r, subscribers);
        } catch (IOException | RuntimeException e) {
          // the step did not finish (the load client crashed, its report is missing): a limit of what this machine
          // could drive, recorded as the step's failure; the steps before it and the channel's other runs stand
          r = new LinkedHashMap<>();
          failed = "the step at " + subscribers + " subscribers did not finish: " + e.getMessage();
        }
        r.put("subscribers", subscribers);
        r.put("machine", machine(step));
      }
      steps.add(r);
      if (failed != null && attempt == 1) {
        // one step spoiled by a pause of the machine (a GC, stolen CPU) must not end the search: tried once more
        r.put("failed", failed + " (tried again)");
        continue;
      }
      if (failed != null) {
        limitedBy = failed + " (twice)";
        r.put("failed", failed);
        break;
      }
      held = subscribers;
      i++;
      attempt = 0;
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("subscribers", held);
    c.put("p95BoundMillis", plan.capacityP95Millis());
    if (pollInterval > 0) {
      c.put("pollIntervalMillis", pollInterval);
    }
    c.put("limitedBy", limitedBy);
    c.put("steps", steps);
    return c;
  }

  private static Map<String, Object> machine(LoadStep step) {
    var samples = step.machine();
    Map<String, Object> m = new LinkedHashMap<>();
    if (!samples.isEmpty()) {
      m.put("samples", samples.size());
      m.put("cpuBusyMax", samples.stream().mapToDouble(s -> s.busy()).max().orElse(Double.NaN));
      m.put("stealMax", samples.stream().mapToDouble(s -> s.steal()).max().orElse(Double.NaN));
    }
    return m;
  }

  private static String capacityFailure(DeliveryPlan plan, Map<String, Object> r, int subscribers) {
    Double p95 = (Double) r.get("p95Millis");
    double connectFailures = Figures.asDouble(r.getOrDefault("connectFailures", 0));
    double gaps = Figures.asDouble(r.getOrDefault("gaps", 0));
    double delivered = Figures.asDouble(r.getOrDefault("delivered", 0));
    if (delivered <= 0) {
      return "no event delivered at " + subscribers + " subscribers";
    }
    if (connectFailures > 0) {
      return connectFailures + " subscribers could not connect at " + subscribers;
    }
    if (p95 == null || p95 >= plan.capacityP95Millis()) {
      return "delivery p95 " + Figures.fmt(p95) + " ms at " + subscribers + " subscribers, over "
          + Figures.fmt(plan.capacityP95Millis()) + " ms";
    }
    if (gaps > 0) {
      return Figures.fmt(gaps) + " events missed at " + subscribers + " subscribers";
    }
    return null;
  }
}
