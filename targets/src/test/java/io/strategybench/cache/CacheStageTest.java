package io.strategybench.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.backend.ServiceTime;
import io.strategybench.server.Json;
import io.strategybench.testing.TestTarget;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cache stage on a real loopback server: stampede protection, penetration protection, the write strategies'
 * consistency, write-behind's loss on a crash, TTL jitter, conditional requests, stale-while-revalidate, XFetch,
 * preloading and bad input.
 *
 * <p>Bursts that must reach the server at the same moment go over plain keep-alive sockets opened beforehand
 * ({@link Connections}): every request is written before any answer is read, so a burst of 1,000 arrives within a
 * few milliseconds, far inside the origin's service time, whatever the JDK client's connection handling.
 */
class CacheStageTest {
  private static final long NO_WATCH = -1;

  private TestTarget target;
  private Origin origin;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    closeables.clear();
    if (target != null) {
      target.close();
      target = null;
    }
  }

  // ---- set-up ------------------------------------------------------------------------------------------------

  /** The stage's settings; each test changes what it pins. */
  private static final class Cfg {
    int valueBytes = 64;
    WriteStrategy write = WriteStrategy.CACHE_ASIDE;
    long ttlNanos;
    double jitter;
    long swrNanos;
    boolean singleFlight;
    double xfetchBeta;
    boolean lockWithStale;
    long negativeTtlNanos;
    boolean bloom;
    int preload;
    long flushIntervalNanos = TimeUnit.SECONDS.toNanos(1);
    int flushBatch = 50;

    CacheStage.Config build() {
      return new CacheStage.Config(valueBytes, write, ttlNanos, jitter, swrNanos, singleFlight, xfetchBeta,
          lockWithStale, negativeTtlNanos, bloom, preload, flushIntervalNanos, flushBatch, NO_WATCH);
    }
  }

  private static Cfg cfg() {
    return new Cfg();
  }

  private static Origin origin(int keys, String time, int capacity, int queue) {
    return new Origin(new Origin.Config(keys, ServiceTime.parse(time, "origin"), capacity, queue));
  }

  private static Lru lru(long capacity) {
    CacheSettings settings = new CacheSettings();
    settings.capacity = capacity;
    return new Lru(settings);
  }

  /** Starts a server with an LRU cache of 10,000 entries in front of {@code theOrigin}. */
  private void start(Origin theOrigin, Cfg cfg) throws InterruptedException {
    if (target != null) {
      target.close();
    }
    origin = theOrigin;
    target = TestTarget.start(new CacheStage(lru(10_000), "lru", theOrigin, cfg.build()), "cache");
  }

  private Connections connections(int n) throws IOException {
    Connections c = new Connections(target.server().port(), n);
    closeables.add(c);
    return c;
  }

  private JsonNode stats() throws Exception {
    return Json.MAPPER.readTree(target.get("/_/stats").body()).get("stages").get("cache");
  }

  private HttpResponse<String> put(String path) throws Exception {
    return TestTarget.CLIENT.send(HttpRequest.newBuilder(target.uri(path)).timeout(Duration.ofSeconds(10))
        .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static long version(HttpResponse<?> response) {
    return Long.parseLong(response.headers().firstValue("x-version").orElseThrow());
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }

  private static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  // ---- 1. stampede -------------------------------------------------------------------------------------------

  @Test
  void singleFlightTurnsAThousandConcurrentMissesOfOneKeyIntoOneOriginRead() throws Exception {
    Cfg c = cfg();
    c.singleFlight = true;
    start(origin(10_000, "const:300ms", 2048, 2048), c);
    Connections conns = connections(1000);
    warmUp(conns);
    long readsBefore = origin.reads();

    List<Raw> answers = conns.burst(i -> get("/k/0"));

    assertThat(origin.reads() - readsBefore).as("origin reads of the burst").isEqualTo(1);
    assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
    assertThat(answers.stream().map(a -> a.header("etag")).distinct().toList()).containsExactly("\"0-1\"");
    assertThat(answers).allSatisfy(a -> assertThat(a.body()).hasSize(64));
    JsonNode s = stats();
    // every request but the leader either joined the flight or, arriving after it landed, hit the cache
    assertThat(s.get("coalesced").asLong() + answers.stream().filter(a -> "HIT".equals(a.header("x-cache"))).count())
        .isEqualTo(999);
    assertThat(s.get("coalesced").asLong()).isGreaterThan(500);
    assertThat(s.get("origin").get("shed").asLong()).isZero();
  }

  @Test
  void withoutSingleFlightTheSameBurstStampedesTheOrigin() throws Exception {
    start(origin(10_000, "const:300ms", 2048, 2048), cfg());
    Connections conns = connections(1000);
    warmUp(conns);
    long readsBefore = origin.reads();

    List<Raw> answers = conns.burst(i -> get("/k/0"));

    assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
    long stampede = origin.reads() - readsBefore;
    assertThat(stampede).as("origin reads of the burst").isGreaterThan(500);
    assertThat(answers.stream().filter(a -> "MISS".equals(a.header("x-cache"))).count()).isEqualTo(stampede);
    assertThat(stats().get("coalesced").asLong()).isZero();
    assertThat(origin.shed()).isZero();
  }

  @Test
  void lockWithStaleRefreshesAnExpiredKeyOnceAndServesTheExpiredCopyToTheOthers() throws Exception {
    Cfg c = cfg();
    c.lockWithStale = true;
    start(origin(10_000, "const:500ms", 2048, 2048), c);
    Connections conns = connections(200);
    warmUp(conns);
    assertThat(target.get("/k/7").headers().firstValue("x-cache")).hasValue("MISS");
    assertThat(target.get("/k/7").headers().firstValue("x-cache")).hasValue("HIT");
    HttpResponse<String> expire = target.post("/_/cache/expire?key=7&inMillis=0");
    assertThat(expire.statusCode()).as(expire.body()).isEqualTo(200);
    long readsBefore = origin.reads();

    List<Raw> answers = conns.burst(i -> get("/k/7"));

    assertThat(origin.reads() - readsBefore).as("origin reads of the burst").isEqualTo(1);
    assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
    Map<String, Long> how = new HashMap<>();
    answers.forEach(a -> how.merge(a.header("x-cache"), 1L, Long::sum));
    assertThat(how).containsExactlyInAnyOrderEntriesOf(Map.of("MISS", 1L, "STALE", 199L));
    assertThat(stats().get("staleServed").asLong()).isEqualTo(199);
    // an admin call for a key that is not cached is refused
    assertThat(target.post("/_/cache/expire?key=9999&inMillis=0").statusCode()).isEqualTo(404);
  }

  /** Opens every connection's server side and warms both ends up with a burst of reads of other keys. */
  private void warmUp(Connections conns) throws Exception {
    List<Raw> warm = conns.burst(i -> get("/k/" + (1000 + i)));
    assertThat(warm).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
  }

  // ---- 2. penetration ----------------------------------------------------------------------------------------

  /** Reads missing keys 100..149 ten times each, one at a time; returns the x-cache of each answer. */
  private List<String> readMissingKeys() throws Exception {
    List<String> how = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      for (int key = 100; key < 150; key++) {
        HttpResponse<String> r = target.get("/k/" + key);
        assertThat(r.statusCode()).as("GET /k/%d", key).isEqualTo(404);
        how.add(header(r, "x-cache"));
      }
    }
    return how;
  }

  @Test
  void withoutProtectionEveryReadOfAMissingKeyReachesTheOrigin() throws Exception {
    start(origin(100, "const:1ms", 64, 1024), cfg());
    List<String> how = readMissingKeys();
    assertThat(origin.missingReads()).isEqualTo(500);
    assertThat(how).containsOnly("MISS");
    assertThat(stats().get("notFound").asLong()).isEqualTo(500);
  }

  @Test
  void negativeCachingSendsEachMissingKeyToTheOriginOnce() throws Exception {
    Cfg c = cfg();
    c.negativeTtlNanos = TimeUnit.SECONDS.toNanos(60);
    start(origin(100, "const:1ms", 64, 1024), c);
    List<String> how = readMissingKeys();
    assertThat(origin.missingReads()).isEqualTo(50);
    assertThat(how.subList(0, 50)).containsOnly("MISS");
    assertThat(how.subList(50, 500)).containsOnly("NEGATIVE");
    assertThat(stats().get("negativeHits").asLong()).isEqualTo(450);
  }

  @Test
  void theBloomFilterAnswersMissingKeysWithoutTheOrigin() throws Exception {
    Cfg c = cfg();
    c.bloom = true;
    start(origin(100, "const:1ms", 64, 1024), c);
    List<String> how = readMissingKeys();
    long filtered = how.stream().filter("BLOOM"::equals).count();
    long passed = how.stream().filter("MISS"::equals).count();
    assertThat(filtered + passed).as("every 404 is BLOOM or, for a false positive, MISS: %s", how).isEqualTo(500);
    assertThat(origin.missingReads()).as("false positives reach the origin").isEqualTo(passed).isLessThanOrEqualTo(5);
    assertThat(filtered).isGreaterThanOrEqualTo(450);
    assertThat(stats().get("bloomRejected").asLong()).isEqualTo(filtered);
    // keys that exist still pass the filter
    assertThat(target.get("/k/42").statusCode()).isEqualTo(200);
  }

  // ---- 3. write strategies and stale reads -------------------------------------------------------------------

  /**
   * PUT /k/3, then 20 ms later (inside the origin's 200 ms write) GET /k/3: the read's origin snapshot is version 1,
   * taken before the write commits version 2; the read's fill lands after the write is acknowledged.
   */
  private void raceAReadAgainstAWrite() throws Exception {
    Connections conns = connections(2);
    conns.write(0, "PUT /k/3 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
    Thread.sleep(20);
    conns.write(1, get("/k/3"));
    Raw write = conns.read(0);
    Raw read = conns.read(1);
    assertThat(write.status()).isEqualTo(204);
    assertThat(write.header("x-version")).isEqualTo("2");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.header("x-cache")).isEqualTo("MISS");
    assertThat(read.header("x-version")).as("the racing read's snapshot").isEqualTo("1");
  }

  @Test
  void cacheAsidePutsTheOldVersionBackWhenAMissRacesAWrite() throws Exception {
    start(origin(100, "const:200ms", 64, 1024), cfg());
    raceAReadAgainstAWrite();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> later = target.get("/k/3");
      assertThat(header(later, "x-cache")).isEqualTo("HIT");
      assertThat(version(later)).as("version 2 was acknowledged; the cache went back to 1").isEqualTo(1);
    }
    assertThat(origin.committed(3)).isEqualTo(2);
    assertThat(stats().get("staleReads").asLong()).isEqualTo(3);
  }

  @Test
  void writeThroughNeverLetsARacingMissPutTheOldVersionBack() throws Exception {
    Cfg c = cfg();
    c.write = WriteStrategy.WRITE_THROUGH;
    start(origin(100, "const:200ms", 64, 1024), c);
    raceAReadAgainstAWrite();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> later = target.get("/k/3");
      assertThat(header(later, "x-cache")).isEqualTo("HIT");
      assertThat(version(later)).isEqualTo(2);
    }
    JsonNode s = stats();
    assertThat(s.get("staleReads").asLong()).isZero();
    assertThat(s.get("droppedFills").asLong()).as("the racing read's outdated fill").isEqualTo(1);
  }

  @Test
  void writeThroughHasNoStaleReadsUnderConcurrentReadsAndWritesOfHotKeys() throws Exception {
    Cfg c = cfg();
    c.write = WriteStrategy.WRITE_THROUGH;
    c.ttlNanos = TimeUnit.MILLISECONDS.toNanos(30); // entries keep expiring: misses and fills race the writes
    start(origin(100, "uniform:1ms..6ms", 256, 1024), c);
    int keys = 4;
    AtomicLongArray ackedByClients = new AtomicLongArray(keys);
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    AtomicLong writes = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2000);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        workers.add(pool.submit(() -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          while (System.nanoTime() < end) {
            int key = random.nextInt(keys);
            if (random.nextInt(10) < 3) {
              HttpResponse<String> w = put("/k/" + key);
              if (w.statusCode() != 204) {
                problems.add("PUT /k/" + key + " answered " + w.statusCode());
                continue;
              }
              ackedByClients.accumulateAndGet(key, version(w), Math::max);
              writes.incrementAndGet();
            } else {
              long acked = ackedByClients.get(key); // acknowledged before this read was sent
              HttpResponse<String> r = target.get("/k/" + key);
              if (r.statusCode() != 200) {
                problems.add("GET /k/" + key + " answered " + r.statusCode());
                continue;
              }
              if (version(r) < acked) {
                problems.add("GET /k/" + key + " read version " + version(r) + " after " + acked + " was acknowledged");
              }
              reads.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> w : workers) {
        w.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(problems).isEmpty();
    assertThat(reads.get()).isGreaterThan(100);
    assertThat(writes.get()).isGreaterThan(50);
    JsonNode s = stats();
    assertThat(s.get("staleReads").asLong()).isZero();
    assertThat(s.get("reads").asLong()).isEqualTo(reads.get());
    assertThat(s.get("misses").asLong()).as("the TTL made the reads miss too").isPositive();
  }

  // ---- 4. write-behind ---------------------------------------------------------------------------------------

  /** 100 PUTs over keys 0..19, each acknowledged; returns the newest version acknowledged per key. */
  private long[] writeHundred() throws Exception {
    long[] acked = new long[20];
    for (int i = 0; i < 100; i++) {
      int key = i % 20;
      HttpResponse<String> w = put("/k/" + key);
      assertThat(w.statusCode()).isEqualTo(204);
      acked[key] = Math.max(acked[key], version(w));
    }
    return acked;
  }

  @Test
  void writeBehindAcknowledgesWritesAtOnceAndACrashBeforeAFlushLosesThemAll() throws Exception {
    Cfg c = cfg();
    c.write = WriteStrategy.WRITE_BEHIND;
    c.flushIntervalNanos = TimeUnit.SECONDS.toNanos(60);
    start(origin(100, "const:10ms", 64, 1024), c);
    long[] acked = writeHundred();
    for (int key = 0; key < 20; key++) {
      assertThat(acked[key]).isEqualTo(6); // five writes after version 1
      HttpResponse<String> r = target.get("/k/" + key);
      assertThat(version(r)).isEqualTo(acked[key]);
      assertThat(origin.committed(key)).as("nothing flushed yet").isEqualTo(1);
    }
    JsonNode before = stats();
    assertThat(before.get("staleReads").asLong()).isZero();
    assertThat(before.get("writeBehind").get("unflushedWrites").asLong()).isEqualTo(100);

    HttpResponse<String> crash = target.post("/_/cache/crash");
    assertThat(crash.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(crash.body()).get("lostWrites").asLong()).isEqualTo(100);
    JsonNode afterCrash = stats();
    assertThat(afterCrash.get("writeBehind").get("lostWrites").asLong()).isEqualTo(100);
    assertThat(afterCrash.get("writeBehind").get("unflushedWrites").asLong()).isZero();

    for (int key = 0; key < 20; key++) {
      HttpResponse<String> r = target.get("/k/" + key);
      assertThat(header(r, "x-cache")).isEqualTo("MISS");
      assertThat(version(r)).as("the origin's old version").isEqualTo(1);
    }
    assertThat(stats().get("staleReads").asLong()).as("the lost writes, made visible").isEqualTo(20);
    assertThat(origin.writes()).isZero();
  }

  @Test
  void writeBehindFlushedInBatchesLosesNothingOnACrash() throws Exception {
    Cfg c = cfg();
    c.write = WriteStrategy.WRITE_BEHIND;
    c.flushIntervalNanos = TimeUnit.MILLISECONDS.toNanos(100);
    start(origin(100, "const:10ms", 64, 1024), c);
    long[] acked = writeHundred();
    await("the write-behind queue to be flushed", 10_000, () -> {
      try {
        JsonNode wb = stats().get("writeBehind");
        return wb.get("unflushedWrites").asLong() == 0 && wb.get("flushedWrites").asLong() == 100;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    HttpResponse<String> crash = target.post("/_/cache/crash");
    assertThat(Json.MAPPER.readTree(crash.body()).get("lostWrites").asLong()).isZero();
    for (int key = 0; key < 20; key++) {
      assertThat(origin.committed(key)).as("key %d", key).isEqualTo(acked[key]);
      HttpResponse<String> r = target.get("/k/" + key);
      assertThat(version(r)).isEqualTo(acked[key]);
    }
    assertThat(stats().get("staleReads").asLong()).isZero();
    assertThat(origin.batches()).as("origin write requests for 100 writes").isPositive().isLessThanOrEqualTo(25);
  }

  // ---- 5. TTL jitter -----------------------------------------------------------------------------------------

  /** What re-reading keys filled together showed: the origin's peak and when each key was seen to expire. */
  record Avalanche(long originPeakPer100ms, double[] lifetimes, double passMillis) {
    /** A key's lifetime at a quantile, in seconds. */
    double quantile(double q) {
      return lifetimes[(int) Math.min(lifetimes.length - 1, Math.floor(q * lifetimes.length))];
    }

    /** How far apart the middle 80% of the keys expired, in seconds. */
    double spread() {
      return quantile(0.9) - quantile(0.1);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "peak %d/100ms, lifetimes p0 %.3fs p10 %.3fs p50 %.3fs p90 %.3fs"
          + " p100 %.3fs, %.0f ms a pass", originPeakPer100ms, quantile(0), quantile(0.1), quantile(0.5),
          quantile(0.9), quantile(1), passMillis);
    }
  }

  /**
   * Fills keys 0..999 in one burst, then re-reads every fifth one (200 keys: a pass is short, so a key is seen
   * expired soon after it expires) in back-to-back bursts for 3.2 s. Each sampled key's lifetime is the middle
   * between the answers of its last HIT and its first MISS, less the answer of its fill; the origin's peak counts
   * the re-reads only.
   */
  private Avalanche avalanche(double jitter) throws Exception {
    Cfg c = cfg();
    c.ttlNanos = TimeUnit.SECONDS.toNanos(1);
    c.jitter = jitter;
    start(origin(1000, "const:1ms", 2048, 2048), c);
    Connections conns = connections(1000);
    int sampled = 200;
    long[] filled = new long[sampled];
    long[] lastHit = new long[sampled];
    long[] firstMiss = new long[sampled];
    List<Raw> fill = conns.burst(i -> get("/k/" + i));
    assertThat(fill).allSatisfy(a -> assertThat(a.header("x-cache")).isEqualTo("MISS"));
    for (int i = 0; i < sampled; i++) {
      filled[i] = fill.get(5 * i).at();
      lastHit[i] = filled[i];
    }
    origin.reset(); // count the re-reads only
    long begin = System.nanoTime();
    long end = begin + TimeUnit.MILLISECONDS.toNanos(3200);
    int passes = 0;
    while (System.nanoTime() < end) {
      List<Raw> pass = conns.burst(sampled, i -> get("/k/" + 5 * i));
      passes++;
      for (int i = 0; i < sampled; i++) {
        Raw a = pass.get(i);
        assertThat(a.status()).isEqualTo(200);
        if (firstMiss[i] != 0) {
          continue;
        }
        if ("MISS".equals(a.header("x-cache"))) {
          firstMiss[i] = a.at();
        } else {
          lastHit[i] = a.at();
        }
      }
    }
    double[] lifetimes = new double[sampled];
    for (int i = 0; i < sampled; i++) {
      assertThat(firstMiss[i]).as("key %d expired while re-read", 5 * i).isPositive();
      lifetimes[i] = ((lastHit[i] + firstMiss[i]) / 2.0 - filled[i]) / 1e9;
    }
    java.util.Arrays.sort(lifetimes);
    return new Avalanche(origin.peakPer100ms(), lifetimes, (System.nanoTime() - begin) / 1e6 / passes);
  }

  @Test
  void ttlJitterSpreadsTheExpiryOfKeysFilledTogether() throws Exception {
    Avalanche flat = avalanche(0);
    Avalanche jittered = avalanche(0.5);
    String both = "without jitter: " + flat + "; with jitter 0.5: " + jittered;
    // without jitter the keys filled together live one TTL each and expire together; with jitter 0.5 their
    // lifetimes spread over 0.5 s..1.5 s. An estimate is off by about half a pass (a key is seen expired when
    // next read) plus the server's lag.
    assertThat(flat.quantile(0.5)).as(both).isBetween(0.85, 1.3);
    assertThat(flat.spread()).as(both).isLessThan(0.3);
    assertThat(jittered.quantile(0.5)).as(both).isBetween(0.75, 1.3);
    assertThat(jittered.quantile(0)).as(both).isLessThan(0.75);
    assertThat(jittered.quantile(1)).as(both).isGreaterThan(1.25);
    assertThat(jittered.spread()).as(both).isGreaterThan(0.5).isGreaterThan(2 * flat.spread());
    // the avalanche itself: without jitter the origin's load comes back in one wave
    assertThat(jittered.originPeakPer100ms() * 2).as(both).isLessThan(flat.originPeakPer100ms());
  }

  // ---- 6. conditional requests -------------------------------------------------------------------------------

  @Test
  void ifNoneMatchOfTheCurrentVersionGets304AndAWriteChangesTheETag() throws Exception {
    Cfg c = cfg();
    c.write = WriteStrategy.WRITE_THROUGH;
    start(origin(100, "const:5ms", 64, 1024), c);
    HttpResponse<String> first = target.get("/k/2");
    assertThat(first.statusCode()).isEqualTo(200);
    String etag = header(first, "etag");
    assertThat(etag).isEqualTo("\"2-1\"");

    HttpResponse<String> same = target.get("/k/2", "If-None-Match", etag);
    assertThat(same.statusCode()).isEqualTo(304);
    assertThat(same.body()).isEmpty();
    assertThat(header(same, "etag")).isEqualTo(etag);
    assertThat(target.get("/k/2", "If-None-Match", "\"2-7\"").statusCode()).as("another version").isEqualTo(200);

    assertThat(put("/k/2").statusCode()).isEqualTo(204);
    HttpResponse<String> changed = target.get("/k/2", "If-None-Match", etag);
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body()).hasSize(64);
    assertThat(header(changed, "etag")).isEqualTo("\"2-2\"").isNotEqualTo(etag);
    assertThat(target.get("/k/2", "If-None-Match", header(changed, "etag")).statusCode()).isEqualTo(304);
    assertThat(stats().get("notModified").asLong()).isEqualTo(2);
  }

  // ---- 7. stale-while-revalidate -----------------------------------------------------------------------------

  @Test
  void staleWhileRevalidateAnswersAtOnceAndRefreshesInTheBackgroundOnce() throws Exception {
    Cfg c = cfg();
    c.ttlNanos = TimeUnit.MILLISECONDS.toNanos(200);
    c.swrNanos = TimeUnit.SECONDS.toNanos(5);
    start(origin(100, "const:1s", 64, 1024), c);
    assertThat(header(target.get("/k/4"), "x-cache")).isEqualTo("MISS");
    assertThat(origin.reads()).isEqualTo(1);
    Thread.sleep(400); // past the TTL, well inside the stale window

    long start = System.nanoTime();
    HttpResponse<String> stale = target.get("/k/4");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(header(stale, "x-cache")).isEqualTo("STALE");
    assertThat(version(stale)).isEqualTo(1);
    assertThat(tookMillis).as("answered without waiting for the origin's 1 s read").isLessThan(800);
    assertThat(origin.reads()).as("the background refresh started").isEqualTo(2);

    // read on (each read during the refresh is STALE and starts no other) until the refresh lands
    HttpResponse<String> next;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    do {
      next = target.get("/k/4");
      assertThat(System.nanoTime()).as("the refresh landing").isLessThan(deadline);
    } while ("STALE".equals(header(next, "x-cache")));
    assertThat(header(next, "x-cache")).isEqualTo("HIT");
    assertThat(version(next)).isEqualTo(1);
    assertThat(origin.reads()).as("one background read refreshed it").isEqualTo(2);
    JsonNode s = stats();
    assertThat(s.get("backgroundRefreshes").asLong()).isEqualTo(1);
    assertThat(s.get("misses").asLong()).isEqualTo(1);
  }

  // ---- 8. XFetch ---------------------------------------------------------------------------------------------

  /** Reads /k/5 every 50 ms for 1.6 s (past the 1 s TTL); returns the x-cache of each answer after the first. */
  private List<String> steadyReads(double beta) throws Exception {
    Cfg c = cfg();
    c.ttlNanos = TimeUnit.SECONDS.toNanos(1);
    c.xfetchBeta = beta;
    start(origin(100, "const:50ms", 64, 1024), c);
    assertThat(header(target.get("/k/5"), "x-cache")).isEqualTo("MISS");
    List<String> how = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1600);
    while (System.nanoTime() < end) {
      Thread.sleep(50);
      HttpResponse<String> r = target.get("/k/5");
      assertThat(r.statusCode()).isEqualTo(200);
      how.add(header(r, "x-cache"));
    }
    return how;
  }

  @Test
  void xfetchRefreshesEarlySoTheKeyNeverExpiresForReaders() throws Exception {
    List<String> plain = steadyReads(0);
    JsonNode p = stats();
    assertThat(p.get("expired").asLong()).as("without XFetch the key expires under the readers").isPositive();
    assertThat(p.get("earlyRefreshes").asLong()).isZero();

    List<String> how = steadyReads(50);
    JsonNode s = stats();
    long early = s.get("earlyRefreshes").asLong();
    assertThat(early).isPositive();
    assertThat(s.get("expired").asLong()).as("no reader found the key expired").isZero();
    // an early refresher waits for its own origin read (x-cache MISS); nobody else misses
    assertThat(how).isSubsetOf("HIT", "MISS");
    assertThat(how.stream().filter("MISS"::equals).count()).isEqualTo(early);
    assertThat(origin.reads()).isEqualTo(1 + early);
    assertThat(s.get("misses").asLong()).isEqualTo(1 + early);
  }

  // ---- 9. preload --------------------------------------------------------------------------------------------

  @Test
  void preloadKeepsTheStageUnreadyUntilTheHottestKeysAreIn() throws Exception {
    Cfg c = cfg();
    c.preload = 100;
    start(origin(1000, "const:300ms", 16, 1024), c); // 16 at a time: about 2.1 s of loading
    HttpResponse<String> early = target.get("/_/health");
    assertThat(early.statusCode()).as(early.body()).isEqualTo(503);
    assertThat(early.body()).contains("not ready");
    await("the stage to be ready", 15_000, () -> {
      try {
        return target.get("/_/health").statusCode() == 200;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(origin.reads()).isEqualTo(100);
    for (int key = 0; key < 100; key++) {
      assertThat(header(target.get("/k/" + key), "x-cache")).as("key %d", key).isEqualTo("HIT");
    }
    assertThat(origin.reads()).isEqualTo(100);
    assertThat(header(target.get("/k/100"), "x-cache")).as("beyond the preload").isEqualTo("MISS");
    assertThat(stats().get("hits").asLong()).isEqualTo(100);
  }

  // ---- 10. bad input -----------------------------------------------------------------------------------------

  @Test
  void badRequestsAreRefusedAndTheServerKeepsServing() throws Exception {
    start(origin(100, "const:1ms", 64, 1024), cfg());
    HttpResponse<String> letters = target.get("/k/abc");
    assertThat(letters.statusCode()).isEqualTo(400);
    assertThat(letters.body()).contains("/k/abc");
    assertServing();
    assertThat(target.get("/k/-1").statusCode()).isEqualTo(400);
    assertServing();
    assertThat(target.get("/k/").statusCode()).isEqualTo(400);
    assertThat(target.get("/k/99999999999999999999").statusCode()).as("too large").isEqualTo(400);
    assertServing();
    HttpResponse<String> delete = target.delete("/k/1");
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(header(delete, "allow")).contains("GET").contains("PUT");
    assertServing();
    assertThat(target.get("/other").statusCode()).isEqualTo(404);
    assertServing();
    HttpResponse<String> missing = put("/k/999999");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("999999");
    assertServing();
    assertThat(origin.writes()).isZero();
  }

  private void assertServing() throws Exception {
    HttpResponse<String> r = target.get("/k/1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(version(r)).isEqualTo(1);
  }

  @Test
  void aNegativeTtlIsRefusedNamingTheOption() {
    Cfg c = cfg();
    c.ttlNanos = -1;
    assertThatThrownBy(c::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--ttl");
  }

  @Test
  void theClairvoyantPolicyIsRefusedAsSimulateOnly() {
    CacheSettings settings = new CacheSettings();
    settings.capacity = 100;
    Origin o = origin(100, "const:1ms", 8, 8);
    assertThatThrownBy(() -> new CacheStage(new Opt(settings), "opt", o, cfg().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("simulate");
  }

  // ---- a plain HTTP/1.1 client for bursts --------------------------------------------------------------------

  /** An answer read off a socket: status, headers (lower-case names), body, when sent and read (nanoTime). */
  record Raw(int status, Map<String, String> headers, String body, long sent, long at) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    Raw sentAt(long nanos) {
      return new Raw(status, headers, body, nanos, at);
    }

    /** Between sending and reading: about when the server answered. */
    long served() {
      return sent + (at - sent) / 2;
    }
  }

  /** Keep-alive connections opened up front, one request in flight on each at a time. */
  static final class Connections implements AutoCloseable {
    private final List<Socket> sockets = new ArrayList<>();
    private final List<InputStream> ins = new ArrayList<>();
    private final List<OutputStream> outs = new ArrayList<>();

    Connections(int port, int n) throws IOException {
      try {
        for (int i = 0; i < n; i++) {
          Socket s = new Socket();
          sockets.add(s);
          s.setTcpNoDelay(true);
          s.setSoTimeout(30_000);
          s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
          ins.add(new BufferedInputStream(s.getInputStream()));
          outs.add(s.getOutputStream());
        }
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    /**
     * Writes request {@code i} on connection {@code i} for all of them, none waiting for an answer, while another
     * thread reads the answers in the same order, so each answer's time is close to when the server gave it.
     */
    List<Raw> burst(IntFunction<String> request) throws IOException, InterruptedException {
      return burst(sockets.size(), request);
    }

    /** As {@link #burst(IntFunction)} on the first {@code n} connections. */
    List<Raw> burst(int n, IntFunction<String> request) throws IOException, InterruptedException {
      Raw[] answers = new Raw[n];
      long[] sent = new long[n];
      IOException[] failure = new IOException[1];
      Thread reader = new Thread(() -> {
        try {
          for (int i = 0; i < n; i++) {
            answers[i] = read(i);
          }
        } catch (IOException e) {
          failure[0] = e;
        }
      }, "burst-reader");
      reader.start();
      try {
        for (int i = 0; i < n; i++) {
          sent[i] = System.nanoTime();
          write(i, request.apply(i));
        }
      } finally {
        reader.join();
      }
      if (failure[0] != null) {
        throw failure[0];
      }
      List<Raw> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(answers[i].sentAt(sent[i]));
      }
      return out;
    }

    void write(int i, String request) throws IOException {
      OutputStream out = outs.get(i);
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    Raw read(int i) throws IOException {
      InputStream in = ins.get(i);
      String statusLine = line(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP response on connection " + i + ": '" + statusLine + "'");
      }
      Map<String, String> headers = new HashMap<>();
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      if (headers.containsKey("transfer-encoding")) {
        throw new IOException("unexpected transfer-encoding " + headers.get("transfer-encoding"));
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        throw new IOException("connection " + i + " closed inside a body");
      }
      return new Raw(Integer.parseInt(parts[1]), headers, new String(body, StandardCharsets.UTF_8),
          0, System.nanoTime());
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection closed inside a response head");
        }
        if (b == '\n') {
          break;
        }
        if (b != '\r') {
          bytes.write(b);
        }
      }
      return bytes.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
      for (Socket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }
}
