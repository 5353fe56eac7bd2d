package io.strategybench.run;

import io.strategybench.results.Bootstrap;
import io.strategybench.results.Bootstrap.Interval;
import io.strategybench.server.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * One load step: target servers in JVMs of their own, Gatling driving them, and the machine watched throughout.
 * It reports what every load run reports, the same way for every family: the client's figures and the server's
 * for the same requests (the measured phase; {@code population} checks they are the same), a 95% interval for
 * each headline figure ({@link Bootstrap}, from the seconds of the client log), whether the percentile reported
 * rests on enough samples, and a {@link Diagnosis} of whether the machine let the step measure the strategy.
 *
 * <p>Steps take a lock of the machine ({@link MachineLock}), so two runs on one machine never load it at once.
 */
public final class LoadStep implements AutoCloseable {
  /** A percentile is flagged when fewer samples than this lie beyond it. */
  static final int TAIL_SAMPLES = 100;

  private final List<String> pluginArgs;
  private final List<Path> pluginJars;
  private final String id;
  private final String label;
  private final Path work;
  private final Consumer<String> progress;
  private final Consumer<String> notes;
  private final MachineMonitor monitor;
  private final MachineLock lock;
  private final List<TargetProcess> targets = new ArrayList<>();
  private final List<String> targetNames = new ArrayList<>();
  private double lagAllowanceMillis = Diagnosis.LAG_P99_MILLIS;
  private double delayAllowanceMillis = Diagnosis.LOOP_DELAY_MILLIS;
  private String lagAllowance;

  /** Where a load run's target writes its latency log ({@code serve --hlog}) in the run's work folder. */
  public static Path serverLog(Path work) {
    return work.resolve("server.hlog");
  }

  /** Where a load run's Gatling writes its client latency log in the run's work folder. */
  public static Path clientLog(Path work) {
    return work.resolve("client.hlog");
  }

  private LoadStep(List<String> pluginArgs, List<Path> pluginJars, String id, String label, Path work,
      Consumer<String> progress, Consumer<String> notes, MachineLock lock) {
    this.pluginArgs = pluginArgs;
    this.pluginJars = pluginJars;
    this.notes = notes;
    this.id = id;
    this.label = label;
    this.work = work;
    this.progress = progress;
    this.lock = lock;
    this.monitor = MachineMonitor.start();
  }

  /**
   * Begins a step of {@code run} in {@code work} (its id: that folder, relative to the run's): takes the machine's
   * load lock (waiting, and saying so, while another run holds it) and starts watching the machine.
   */
  static LoadStep begin(RunContext run, String label, Path work) throws IOException, InterruptedException {
    Consumer<String> progress = run.progress()::update;
    MachineLock lock = MachineLock.acquire(progress);
    try {
      return new LoadStep(run.pluginArgs(), run.registry().plugins(), run.folder().relativize(work).toString(), label,
          work, progress, run.progress()::note, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  public Path work() {
    return work;
  }

  /** Starts a target server ({@code bench serve} with {@code serve}), in {@code folder}, watched as {@code name}. */
  public TargetProcess target(String name, List<String> serve, Path folder) throws IOException, InterruptedException {
    return target(name, serve, folder, 0);
  }

  /** Starts a target as {@link #target(String, List, Path)} does, on {@code port} (0: a free one). */
  public TargetProcess target(String name, List<String> serve, Path folder, int port)
      throws IOException, InterruptedException {
    TargetProcess target = TargetProcess.start(pluginArgs, serve, folder, Duration.ofSeconds(90), port);
    targets.add(target);
    targetNames.add(name);
    monitor.watch(name, target.pid());
    return target;
  }

  /**
   * Tolerates this much lag of the load generator (99th percentile, ms) and this much delay of the target's event
   * loop before the step is inconclusive, because the scenario needs no less ({@code why}): a burst of users due at
   * once lands over some time on any generator, and keeps the target's loop busy while it does.
   */
  public void tolerate(double millis, String why) {
    lagAllowanceMillis = millis;
    delayAllowanceMillis = millis;
    lagAllowance = why;
  }

  /** What the machine did so far, a second a sample. */
  public List<MachineMonitor.Sample> machine() {
    return monitor.samples();
  }

  /** Watches another process of the run (a Redis server). */
  public void watch(String role, long pid) {
    monitor.watch(role, pid);
  }

  /**
   * Runs Gatling's {@code simulation} with {@code properties} (its client latency log in {@code client.hlog} of the
   * step's folder); the figures of its request {@code request}.
   */
  public GatlingRun.Result gatling(Class<?> simulation, Map<String, String> properties, String request)
      throws IOException, InterruptedException {
    Map<String, String> p = new LinkedHashMap<>(properties);
    p.putIfAbsent("hlog", clientLog(work).toString());
    return GatlingRun.run(simulation.getName(), pluginJars, p, work.resolve("gatling"), label, request,
        work.resolve("gatling.log"), progress, process -> monitor.watch("gatling", process.pid()));
  }

  /**
   * What every load run reports, from the client ({@code gatling}, its latency log) and the server of record (the
   * target Gatling drove, its {@code stats}), over the {@code seconds} of the measured phase; {@code allStats}
   * holds the stats of every target of the step (their vitals are diagnosed).
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> measured(GatlingRun.Result gatling, Map<String, Object> stats, List<Map<String, Object>> allStats,
      int seconds) {
    LoadWindow window = LoadWindow.read(clientLog(work));
    if (gatling.requests() < 0) {
      // no Gatling report: the counts from the client latency log, which records every measured request
      gatling = new GatlingRun.Result(window.requests(), window.requests() - window.ko(), window.ko(), Double.NaN,
          Map.of(), gatling.runFolder(), gatling.status());
      notes.accept("        " + label + ": Gatling wrote no report; its figures come from the client latency log");
    }
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("requests", gatling.requests());
    client.put("ok", gatling.ok());
    client.put("ko", gatling.ko());
    client.put("noResponse", window.noResponse());
    double errorRate = gatling.requests() == 0 ? 0.0 : round((double) gatling.ko() / gatling.requests());
    client.put("errorRate", errorRate);
    if (!window.isEmpty()) {
      client.putAll(window.latencyMillis());
    } else {
      gatling.latencyMillis().forEach((k, v) -> client.put(k + "Millis", v));
    }
    Map<String, Object> server = server(stats);
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("step", id);
    load.put("client", client);
    load.put("server", server);
    double throughput = round((double) gatling.ok() / seconds);
    load.put("throughputRps", throughput);
    long bytes = stats.get("bytesOut") instanceof Number n ? n.longValue() : 0;
    load.put("throughputMbps", round(bytes * 8.0 / seconds / 1e6));
    if (!window.isEmpty()) {
      Map<String, Object> intervals = new LinkedHashMap<>();
      window.intervals(seconds, gatling.requests(), throughput, errorRate).forEach(intervals::put);
      List<Histogram> serverSeconds = LoadWindow.serverSeconds(serverLog(work), "measured"::equals);
      if (!serverSeconds.isEmpty() && server.get("p99Micros") instanceof Number p99) {
        Bootstrap.Blocks blocks = Bootstrap.Blocks.of(serverSeconds);
        intervals.put("serverP99Micros", Bootstrap.repeat(blocks.percentile(99, 1e3, p99.doubleValue()),
            p99.doubleValue(), 0, 0, Double.MAX_VALUE));
      }
      load.put("intervals", Json.MAPPER.convertValue(intervals, Map.class));
      load.put("tail", tail(window.latency.getTotalCount()));
    }
    load.put("population", population(gatling, window, server, client));
    List<Diagnosis.TargetVitals> vitals = new ArrayList<>();
    for (int i = 0; i < allStats.size(); i++) {
      Map<String, Object> s = allStats.get(i);
      Object perSecond = s.get("vitals") instanceof Map<?, ?> v ? v.get("perSecond") : null;
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> list = perSecond instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
      int io = s.get("ioThreads") instanceof Number n ? n.intValue() : 1;
      vitals.add(new Diagnosis.TargetVitals(i < targetNames.size() ? targetNames.get(i) : "target " + (i + 1), io,
          list));
    }
    Map<String, Object> diagnosis = Diagnosis.of(window, monitor, vitals, lagAllowanceMillis, delayAllowanceMillis,
        lagAllowance);
    load.put("diagnosis", diagnosis);
    if (Diagnosis.INCONCLUSIVE.equals(diagnosis.get("verdict"))) {
      notes.accept("        " + label + " is inconclusive, its checks not judged: " + String.join("; ",
          (List<String>) diagnosis.get("reasons")));
    }
    return load;
  }

  /** The server's figures of the measured requests (all requests when nothing was labelled). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> server(Map<String, Object> stats) {
    Map<String, Object> phases = stats.get("phases") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    Map<String, Object> measured = phases.get("measured") instanceof Map<?, ?> m ? (Map<String, Object>) m : stats;
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("requests", measured.get("requests"));
    server.put("responses", measured.get("responses"));
    server.put("responsesByClass", measured.get("responsesByClass"));
    server.put("bytesOut", stats.get("bytesOut"));
    if (measured.get("latency") instanceof Map<?, ?> latency) {
      latency.forEach((k, v) -> server.put(String.valueOf(k), v));
    }
    Map<String, Object> apart = new LinkedHashMap<>();
    phases.forEach((name, value) -> {
      if (!name.equals("measured") && value instanceof Map<?, ?> phase) {
        apart.put(name, phase.get("requests"));
      }
    });
    if (!apart.isEmpty()) {
      // requests of the run outside its measured population, counted apart: warm-up stragglers (none, since the
      // measured phase starts after the warm-up's last answer), side traffic (writes beside measured reads)
      server.put("otherPhases", apart);
    }
    return server;
  }

  /** How many samples lie beyond each percentile, and whether that is enough to report it. */
  private static Map<String, Object> tail(long count) {
    Map<String, Object> tail = new LinkedHashMap<>();
    tail.put("samples", count);
    for (String[] p : new String[][] {{"p99", "0.01"}, {"p999", "0.001"}}) {
      long beyond = (long) Math.floor(count * Double.parseDouble(p[1]));
      tail.put(p[0] + "SamplesBeyond", beyond);
      tail.put(p[0] + "Reliable", beyond >= TAIL_SAMPLES);
    }
    return tail;
  }

  /**
   * Whether client and server describe the same requests: the server's count of measured requests equals the
   * client's, within the requests that got no response (they may never have reached it); and no server
   * percentile exceeds the client's at the next percentile up by more than the client's 1 ms resolution.
   */
  private static Map<String, Object> population(GatlingRun.Result gatling, LoadWindow window,
      Map<String, Object> server, Map<String, Object> client) {
    Map<String, Object> p = new LinkedHashMap<>();
    long clientCount = gatling.requests();
    long serverCount = server.get("requests") instanceof Number n ? n.longValue() : -1;
    long slack = window.noResponse();
    boolean sameRequests = serverCount >= 0 && Math.abs(serverCount - clientCount) <= slack;
    p.put("clientRequests", clientCount);
    p.put("serverRequests", serverCount);
    p.put("clientLoggedRequests", window.requests());
    p.put("withoutResponse", slack);
    p.put("sameRequests", sameRequests);
    List<Map<String, Object>> ladder = new ArrayList<>();
    boolean within = true;
    String[][] steps = {{"p50Micros", "p90Millis"}, {"p90Micros", "p99Millis"}, {"p99Micros", "p999Millis"},
        {"p999Micros", "maxMillis"}};
    for (String[] step : steps) {
      if (server.get(step[0]) instanceof Number s && client.get(step[1]) instanceof Number c) {
        double serverMillis = s.doubleValue() / 1000;
        boolean ok = serverMillis <= c.doubleValue() + 1;
        within &= ok;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("server", step[0]);
        row.put("serverMillis", round(serverMillis));
        row.put("client", step[1]);
        row.put("clientMillis", c);
        row.put("within", ok);
        ladder.add(row);
      }
    }
    p.put("latencyLadder", ladder);
    p.put("serverWithinClient", within);
    return p;
  }

  static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }

  @Override
  public void close() {
    for (TargetProcess t : targets) {
      t.close();
    }
    monitor.close();
    lock.close();
  }
}
