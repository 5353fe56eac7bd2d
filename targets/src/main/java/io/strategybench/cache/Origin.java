package io.strategybench.cache;

import io.netty.channel.EventLoop;
import io.strategybench.backend.ServiceQueue;
import io.strategybench.backend.ServiceTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The slow origin behind the cache stage: a simulated database of {@code keys} keys (0 to keys-1; any other key
 * does not exist), each with a version, a service-time distribution per request, at most {@code capacity}
 * requests served at once and {@code queue} more waiting; beyond that a request is shed. A read takes its
 * snapshot of the key's version when it starts being served and answers after its service time; a write commits
 * when its service time ends. Counts every request on a timeline of 100 ms buckets, for the peaks.
 */
public final class Origin {
  /** Length of the timeline, in 100 ms buckets (an hour). */
  static final int BUCKETS = 36_000;

  /**
   * @param keys keys that exist: 0 to keys-1
   * @param time service time of each request
   * @param capacity requests served at once
   * @param queue requests waiting beyond that; more are shed
   */
  public record Config(int keys, ServiceTime time, int capacity, int queue) {
    public Config {
      if (keys < 1 || keys > 50_000_000) {
        throw new IllegalArgumentException("the origin's keys must be 1..50000000, got " + keys);
      }
      if (capacity < 1 || queue < 0) {
        throw new IllegalArgumentException("the origin's capacity must be at least 1 and its queue at least 0");
      }
    }
  }

  /** How an origin request ended. */
  public enum Outcome {
    /** the key exists; here is its version */
    FOUND,
    /** no such key */
    MISSING,
    /** the origin was full: not served */
    SHED
  }

  /** Told, on the requester's event loop, how a read ended and the version it read. */
  @FunctionalInterface
  public interface Callback {
    void done(Outcome outcome, long version);
  }

  private final Config config;
  private final ServiceQueue queue;
  private final AtomicLongArray committed;
  private final AtomicLongArray issued;
  private final AtomicLongArray timeline = new AtomicLongArray(BUCKETS);
  private final LongAdder requests = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final LongAdder missingReads = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder shed = new LongAdder();
  private volatile long epochNanos = System.nanoTime();

  public Origin(Config config) {
    this.config = config;
    this.queue = new ServiceQueue(config.capacity(), config.queue());
    this.committed = new AtomicLongArray(config.keys());
    this.issued = new AtomicLongArray(config.keys());
    for (int i = 0; i < config.keys(); i++) {
      committed.set(i, 1);
      issued.set(i, 1);
    }
  }

  public Config config() {
    return config;
  }

  public boolean exists(long key) {
    return key >= 0 && key < config.keys();
  }

  /** The version the database holds now (0 for a key that does not exist). */
  public long committed(long key) {
    return exists(key) ? committed.get((int) key) : 0;
  }

  /** A new version for {@code key}, not yet in the database (a write-behind write acknowledged before it lands). */
  public long issue(long key) {
    return issued.incrementAndGet((int) key);
  }

  /** Reads {@code key}; {@code callback} runs on {@code loop} when it is done (at once when shed). */
  public void read(long key, EventLoop loop, Callback callback) {
    boolean admitted = queue.admit(loop, () -> {
      count();
      reads.increment();
      long version = committed(key);
      if (version == 0) {
        missingReads.increment();
      }
      loop.schedule(() -> {
        queue.done();
        callback.done(version == 0 ? Outcome.MISSING : Outcome.FOUND, version);
      }, sample(), TimeUnit.NANOSECONDS);
    });
    if (!admitted) {
      shed.increment();
      callback.done(Outcome.SHED, 0);
    }
  }

  /** Writes a new version of {@code key}; {@code callback} gets the version committed. */
  public void write(long key, EventLoop loop, Callback callback) {
    if (!exists(key)) {
      callback.done(Outcome.MISSING, 0);
      return;
    }
    boolean admitted = queue.admit(loop, () -> {
      count();
      writes.increment();
      loop.schedule(() -> {
        long version = issue(key);
        committed.accumulateAndGet((int) key, version, Math::max);
        queue.done();
        callback.done(Outcome.FOUND, version);
      }, sample(), TimeUnit.NANOSECONDS);
    });
    if (!admitted) {
      shed.increment();
      callback.done(Outcome.SHED, 0);
    }
  }

  /**
   * Writes already-issued versions of several keys as one request (a write-behind flush); {@code done} gets
   * whether they were committed (false: shed, nothing written).
   */
  public void writeBatch(long[] keys, long[] versions, EventLoop loop, java.util.function.Consumer<Boolean> done) {
    boolean admitted = queue.admit(loop, () -> {
      count();
      batches.increment();
      loop.schedule(() -> {
        for (int i = 0; i < keys.length; i++) {
          committed.accumulateAndGet((int) keys[i], versions[i], Math::max);
        }
        writes.add(keys.length);
        queue.done();
        done.accept(true);
      }, sample(), TimeUnit.NANOSECONDS);
    });
    if (!admitted) {
      shed.increment();
      done.accept(false);
    }
  }

  private long sample() {
    return config.time().sampleNanos(ThreadLocalRandom.current());
  }

  private void count() {
    requests.increment();
    long bucket = (System.nanoTime() - epochNanos) / 100_000_000L;
    timeline.incrementAndGet((int) Math.min(Math.max(bucket, 0), BUCKETS - 1));
  }

  /** Zeroes the counters and restarts the timeline; versions stay. */
  public void reset() {
    epochNanos = System.nanoTime();
    for (int i = 0; i < BUCKETS; i++) {
      timeline.set(i, 0);
    }
    for (LongAdder a : List.of(requests, reads, missingReads, writes, batches, shed)) {
      a.reset();
    }
    queue.resetPeak();
  }

  /** Requests served (reads, writes and write batches), shed ones not included. */
  public long requests() {
    return requests.sum();
  }

  public long reads() {
    return reads.sum();
  }

  public long missingReads() {
    return missingReads.sum();
  }

  public long writes() {
    return writes.sum();
  }

  public long batches() {
    return batches.sum();
  }

  public long shed() {
    return shed.sum();
  }

  public int peakInFlight() {
    return queue.peakBusy();
  }

  /** Origin requests per second since the last reset, one value per whole second elapsed (and the current one). */
  public List<Long> perSecond() {
    int seconds = (int) Math.min(BUCKETS / 10, (System.nanoTime() - epochNanos) / 1_000_000_000L + 1);
    List<Long> out = new ArrayList<>(seconds);
    for (int s = 0; s < seconds; s++) {
      long sum = 0;
      for (int b = 0; b < 10; b++) {
        sum += timeline.get(s * 10 + b);
      }
      out.add(sum);
    }
    return out;
  }

  /** The most origin requests in any 100 ms bucket since the last reset. */
  public long peakPer100ms() {
    long peak = 0;
    int buckets = (int) Math.min(BUCKETS, (System.nanoTime() - epochNanos) / 100_000_000L + 1);
    for (int b = 0; b < buckets; b++) {
      peak = Math.max(peak, timeline.get(b));
    }
    return peak;
  }

  /** The most origin requests in any one-second window (ten consecutive 100 ms buckets) since the last reset. */
  public long peakPerSecond() {
    long peak = 0;
    int buckets = (int) Math.min(BUCKETS, (System.nanoTime() - epochNanos) / 100_000_000L + 1);
    long window = 0;
    for (int b = 0; b < buckets; b++) {
      window += timeline.get(b);
      if (b >= 10) {
        window -= timeline.get(b - 10);
      }
      peak = Math.max(peak, window);
    }
    return peak;
  }
}
