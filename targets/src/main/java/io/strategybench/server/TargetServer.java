package io.strategybench.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty target server: HTTP/1.1 with keep-alive on epoll (or NIO), a pipeline of {@link Stage stages}
 * that each run one family's strategy, and the admin plane under {@code /_/}. Start it, read its
 * {@link #port()}, {@link #close()} it; closing shuts the event loops down gracefully.
 */
public final class TargetServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TargetServer.class);

  private final ServerConfig config;
  private final Stage[] stages;
  private final StageTiming[] timings;
  private final Map<String, Object> info;
  private final ServerStats stats = new ServerStats();
  private final Vitals vitals = new Vitals();
  private final ExecutorService adminExecutor;
  private final ScheduledExecutorService ticker;
  private final AdminPlane admin;
  private final Connections connections;
  /** Connections of the admin plane's own listener, when it has one: few are needed. */
  private final Connections adminConnections = new Connections(64);
  private Channel adminChannel;
  private Transport transport;
  private EventLoopGroup group;
  private Channel channel;
  private PrintStream hlogOut;
  private HistogramLogWriter hlog;
  private volatile int epoch;
  private final java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
  private final Object hlogLock = new Object();

  /**
   * @param info what the server runs ({@code family}, {@code strategy}, parameters), echoed in stats
   */
  public TargetServer(ServerConfig config, List<Stage> stages, Map<String, Object> info) {
    this.config = config;
    this.stages = stages.toArray(new Stage[0]);
    this.timings = stages.stream().map(stage -> new StageTiming(stage.name())).toArray(StageTiming[]::new);
    this.info = Map.copyOf(info);
    this.adminExecutor = Executors.newSingleThreadExecutor(daemon("target-admin"));
    this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("target-ticker"));
    this.admin = new AdminPlane(this, adminExecutor);
    this.connections = new Connections(config.maxConnections());
  }

  /**
   * Binds and starts serving.
   *
   * @throws ServerStartException when the port is in use or cannot be bound
   */
  public TargetServer start() throws InterruptedException {
    transport = Transport.choose(config.transport());
    group = transport.newGroup(config.ioThreads(), "target-io");
    StageContext context = new StageContext(group, transport, config.allocator(),
        config.admin().allowRemoteBackends());
    for (Stage stage : stages) {
      stage.start(context);
    }
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOCATOR, config.allocator())
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
        .handler(connections.acceptGuard())
        .childHandler(new TargetServerInitializer(this, TargetServerInitializer.Listener.TRAFFIC));
    try {
      channel = bootstrap.bind(config.host(), config.port()).sync().channel();
      if (config.admin().separate()) {
        adminChannel = bootstrap.clone()
            .handler(adminConnections.acceptGuard())
            .childHandler(new TargetServerInitializer(this, TargetServerInitializer.Listener.ADMIN))
            .bind(config.admin().host(), config.admin().port()).sync().channel();
      }
    } catch (Exception e) {
      close();
      if (e instanceof BindException || e instanceof Errors.NativeIoException) {
        throw new ServerStartException("cannot listen on " + config.host() + ":" + config.port()
            + (config.admin().separate() ? " (admin plane: " + config.admin().host() + ":" + config.admin().port() + ")"
                : "") + ": "
            + (e.getMessage() != null && e.getMessage().toLowerCase().contains("in use")
                ? "the port is already in use; choose another with --port, or --port 0 for a free one"
                : e.getMessage()), e);
      }
      throw new ServerStartException("cannot listen on " + config.host() + ":" + config.port() + ": " + e, e);
    }
    vitals.start(group);
    ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    log.info("target server listening on {}:{} ({} I/O thread(s), {}, at most {} connections)", config.host(),
        port(), config.ioThreads(), transport.name().toLowerCase(), connections.cap());
    return this;
  }

  /**
   * Writes the server latency, one interval histogram per second and phase, to an HdrHistogram log. Each interval
   * of a labelled phase is tagged with it ({@code measured}, {@code warmup}, {@code side}); unlabelled traffic is
   * tagged {@code epoch-N}, N counting {@code /_/reset}s, so the part of a run after a reset can be told apart.
   */
  public void logLatencyTo(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    synchronized (hlogLock) {
      hlogOut = new PrintStream(Files.newOutputStream(file), false, "UTF-8");
      hlog = new HistogramLogWriter(hlogOut);
      hlog.outputLogFormatVersion();
      hlog.outputComment("StrategyBench target server latency, nanoseconds, " + info);
      hlog.outputStartTime(System.currentTimeMillis());
      hlog.setBaseTime(System.currentTimeMillis());
      hlog.outputLegend();
    }
    stats.intervalSink(this::writeInterval);
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** The port of the admin plane: its own listener's, or the traffic port it shares. */
  public int adminPort() {
    return adminChannel == null ? port() : ((InetSocketAddress) adminChannel.localAddress()).getPort();
  }

  Connections adminConnections() {
    return adminConnections;
  }

  public ServerConfig config() {
    return config;
  }

  public ServerStats stats() {
    return stats;
  }

  Stage[] stages() {
    return stages;
  }

  StageTiming[] timings() {
    return timings;
  }

  Connections connections() {
    return connections;
  }

  AdminPlane admin() {
    return admin;
  }

  /** Transport in use once started. */
  public Transport transport() {
    return transport;
  }

  /** The whole {@code /_/stats} document. */
  public Map<String, Object> statsDocument() {
    Map<String, Object> doc = new LinkedHashMap<>(info);
    doc.put("port", port());
    doc.put("ioThreads", config.ioThreads());
    doc.put("transport", transport.name().toLowerCase());
    doc.putAll(stats.snapshot());
    doc.put("connections", connections.snapshot());
    doc.put("vitals", vitals.snapshot());
    Map<String, Object> stageStats = new LinkedHashMap<>();
    for (Stage stage : stages) {
      stageStats.put(stage.name(), stage.stats());
    }
    doc.put("stages", stageStats);
    List<Object> pipeline = new ArrayList<>();
    for (StageTiming timing : timings) {
      pipeline.add(timing.snapshot());
    }
    doc.put("pipeline", pipeline);
    return doc;
  }

  /**
   * Zeroes all counters and histograms, and restarts the stages' timelines (scheduled faults, node changes,
   * per-second series). The first request labelled {@link Phase#MEASURED} after it restarts them once more, so a
   * run's timelines begin with its measured phase however long its load generator takes to start it.
   */
  public synchronized void reset() {
    resetNow();
    armed.set(true);
  }

  /** Called for each measured request before it is counted: the first one after a reset starts the timelines. */
  void measuredRequestArrives() {
    if (armed.get() && armed.compareAndSet(true, false)) {
      resetNow();
    }
  }

  private synchronized void resetNow() {
    stats.reset();
    connections.reset();
    vitals.reset();
    epoch++;
    for (Stage stage : stages) {
      stage.reset();
    }
    for (StageTiming timing : timings) {
      timing.reset();
    }
  }

  private void tick() {
    try {
      vitals.tick();
      stats.fold();
    } catch (RuntimeException e) {
      log.warn("latency tick failed", e);
    }
  }

  /** Appends one interval to the latency log; called by the stats under their lock. */
  private void writeInterval(Phase phase, Histogram interval) {
    synchronized (hlogLock) {
      if (hlog == null) {
        return;
      }
      interval.setTag(phase == Phase.UNLABELLED ? "epoch-" + epoch : phase.label());
      hlog.outputIntervalHistogram(interval);
      hlogOut.flush();
    }
  }

  @Override
  public void close() {
    vitals.stop();
    ticker.shutdownNow();
    adminExecutor.shutdownNow();
    for (Stage stage : stages) {
      try {
        stage.close();
      } catch (RuntimeException e) {
        log.warn("stage {} did not close cleanly", stage.name(), e);
      }
    }
    // Bounded waits: a shutdown never hangs on a stuck event loop.
    if (channel != null) {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (adminChannel != null) {
      adminChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    connections.closeAll(2000);
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    stats.fold();
    synchronized (hlogLock) {
      if (hlog != null) {
        hlogOut.close();
        hlog = null;
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
