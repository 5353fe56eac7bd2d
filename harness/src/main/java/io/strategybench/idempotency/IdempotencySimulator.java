package io.strategybench.idempotency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Clients retrying an order against instances behind a load balancer that share (or do not share) an idempotency
 * store, on a virtual clock: how many effects each key gets through client timeouts, retries, expired locks and
 * crashed instances. The store is simulated by its {@link IdempotencyStore characteristics}, never by its name, so a
 * plugin store that declares them is simulated too. Deterministic for a seed: one {@link SplittableRandom}, no
 * threads, no real time.
 *
 * <p>The model. {@code keys} clients each place one order (one idempotency key), their first attempts falling
 * uniformly within {@code spreadMillis}. The load balancer sends every attempt to a uniformly random instance. The
 * instance begins the key as the store's semantics say (take it, answer 409 while another attempt holds it, or
 * replay a stored response); an attempt that took it processes for {@code processingMillis} (constant, or
 * exponential with that mean), then runs the effect and stores its response at the same instant. Answers take no
 * time on the wire. A client waits {@code clientTimeoutMillis} for an answer (the attempt goes on server-side after
 * it gave up waiting), and after a timeout, a 409, a refused connection or a fenced-out effect sends another
 * attempt, {@code maxAttempts} in all, after a full-jitter exponential backoff: a sleep uniform in
 * {@code [0, min(capMillis, baseMillis * 2^n)]} before retry {@code n} (from 0).
 *
 * <p>Crashes. An attempt that begins processing dies with its instance with probability {@code crashHoldingLock}
 * at a uniform moment of its processing (it holds the key, its effect has not run), or with probability
 * {@code crashAfterEffect} right after its effect, before its response is stored. Every attempt in flight on that
 * instance is lost with it (no answer: their clients time out). The instance restarts {@code restartMillis} later;
 * attempts that reach it meanwhile are refused at once, and a per-instance store restarts empty.
 *
 * <p>The semantics, by characteristic:
 * <ul>
 *   <li>{@link IdempotencyStore#CONTROL control}: no key; every attempt that reaches its effect runs it.</li>
 *   <li>{@link IdempotencyStore#PER_INSTANCE per-instance}: one store per instance (wiped by a crash);
 *       {@link IdempotencyStore#SHARED shared}: one store for all.</li>
 *   <li>{@link IdempotencyStore#LOCK_TTL lock-ttl}: a key's hold expires {@code lockTtlMillis} after it was taken;
 *       the next attempt takes it again and runs the effect again (a duplicate when the first was only slow, or
 *       had run its effect before dying). Without it (and without transactions) a hold of a dead attempt lasts for
 *       the rest of the run.</li>
 *   <li>{@link IdempotencyStore#FENCED fenced}: every take issues a higher token; an effect whose token is below
 *       the highest issued for its key when it applies is refused (no effect; the client gets a 409).</li>
 *   <li>{@link IdempotencyStore#TRANSACTIONAL transactional}: effect and stored response commit together at the
 *       end; a crash rolls back both and frees the key at once (the dropped connection ends the transaction); a
 *       second attempt meanwhile gets a 409 (the row is locked); the hold never expires (the lock TTL is
 *       ignored).</li>
 *   <li>{@link IdempotencyStore#RECOVERY_POINTS recovery-points}: the effect commits with a recovery point; once
 *       the hold of an attempt that died after it expires, the next attempt resumes from the point: it stores the
 *       response without running the effect.</li>
 * </ul>
 * An effect that applies stores its response (unless it crashed), making the key's later attempts replay it, even
 * if another attempt holds the key by then (an unfenced store lets the older attempt store over the newer).
 */
public final class IdempotencySimulator {
  private IdempotencySimulator() {}

  /**
   * The workload and the failures, the same for every store simulated.
   *
   * @param keys clients, each with one order (one idempotency key)
   * @param instances instances behind the load balancer
   * @param spreadMillis the clients' first attempts fall uniformly within this
   * @param processingMillis how long an attempt that took its key works before its effect
   * @param exponential processing times are exponential with mean {@code processingMillis} instead of constant
   * @param clientTimeoutMillis how long a client waits for an answer before it retries
   * @param maxAttempts attempts a client sends in all before it gives up
   * @param baseMillis the backoff's base: retry n sleeps up to {@code baseMillis * 2^n}
   * @param capMillis the backoff's cap
   * @param crashAfterEffect probability that an attempt's instance dies after its effect, before the store
   * @param crashHoldingLock probability that an attempt's instance dies while it holds the key, before the effect
   * @param restartMillis how long a dead instance takes to come back
   * @param lockTtlMillis how long a hold lasts in a lock-ttl store
   * @param seed seeds arrivals, the load balancer, processing times, crashes and the jitter
   */
  public record Workload(int keys, int instances, double spreadMillis, double processingMillis, boolean exponential,
      double clientTimeoutMillis, int maxAttempts, double baseMillis, double capMillis, double crashAfterEffect,
      double crashHoldingLock, double restartMillis, double lockTtlMillis, long seed) {
    /** The most keys one run simulates. */
    public static final int MAX_KEYS = 5_000_000;

    /**
     * 1,000 keys over 1 s on 3 instances; 200 ms of processing, 1 s client timeout, 5 attempts with 100 ms base and
     * 2 s cap; no crashes (2 s restart); the stores' default 10 s lock TTL.
     */
    public static final Workload DEFAULT = new Workload(1000, 3, 1000, 200, false, 1000, 5, 100, 2000, 0, 0, 2000,
        10_000, 1);

    public Workload {
      if (keys < 1 || keys > MAX_KEYS) {
        throw new IllegalArgumentException("keys must be 1.." + MAX_KEYS + ", got " + keys);
      }
      if (instances < 1 || instances > 10_000) {
        throw new IllegalArgumentException("instances must be 1..10000, got " + instances);
      }
      if ((long) keys * instances > 50_000_000L) {
        throw new IllegalArgumentException("keys x instances must stay under 50 million, got "
            + (long) keys * instances);
      }
      requireMillis("processing time", processingMillis, false);
      requireMillis("client timeout", clientTimeoutMillis, false);
      requireMillis("lock TTL", lockTtlMillis, false);
      requireMillis("spread", spreadMillis, true);
      requireMillis("backoff base", baseMillis, true);
      requireMillis("backoff cap", capMillis, true);
      requireMillis("restart time", restartMillis, true);
      if (maxAttempts < 1 || maxAttempts > 1000) {
        throw new IllegalArgumentException("max attempts must be 1..1000, got " + maxAttempts);
      }
      if (!(crashAfterEffect >= 0 && crashAfterEffect <= 1) || !(crashHoldingLock >= 0 && crashHoldingLock <= 1)
          || crashAfterEffect + crashHoldingLock > 1) {
        throw new IllegalArgumentException("crash probabilities must be 0..1 and together at most 1, got "
            + crashAfterEffect + " after the effect and " + crashHoldingLock + " holding the lock");
      }
    }

    private static void requireMillis(String what, double millis, boolean zeroAllowed) {
      if (!Double.isFinite(millis) || millis < 0 || (!zeroAllowed && millis <= 0) || millis > 1e12) {
        throw new IllegalArgumentException(what + " must be " + (zeroAllowed ? "0 or more" : "positive")
            + " milliseconds, got " + millis);
      }
    }

    public Workload withKeys(int v) {
      return new Workload(v, instances, spreadMillis, processingMillis, exponential, clientTimeoutMillis,
          maxAttempts, baseMillis, capMillis, crashAfterEffect, crashHoldingLock, restartMillis, lockTtlMillis, seed);
    }

    public Workload withInstances(int v) {
      return new Workload(keys, v, spreadMillis, processingMillis, exponential, clientTimeoutMillis, maxAttempts,
          baseMillis, capMillis, crashAfterEffect, crashHoldingLock, restartMillis, lockTtlMillis, seed);
    }

    public Workload withSpreadMillis(double v) {
      return new Workload(keys, instances, v, processingMillis, exponential, clientTimeoutMillis, maxAttempts,
          baseMillis, capMillis, crashAfterEffect, crashHoldingLock, restartMillis, lockTtlMillis, seed);
    }

    public Workload withProcessing(double millis, boolean exp) {
      return new Workload(keys, instances, spreadMillis, millis, exp, clientTimeoutMillis, maxAttempts, baseMillis,
          capMillis, crashAfterEffect, crashHoldingLock, restartMillis, lockTtlMillis, seed);
    }

    public Workload withClientTimeoutMillis(double v) {
      return new Workload(keys, instances, spreadMillis, processingMillis, exponential, v, maxAttempts, baseMillis,
          capMillis, crashAfterEffect, crashHoldingLock, restartMillis, lockTtlMillis, seed);
    }

    public Workload withRetries(int attempts, double base, double cap) {
      return new Workload(keys, instances, spreadMillis, processingMillis, exponential, clientTimeoutMillis,
          attempts, base, cap, crashAfterEffect, crashHoldingLock, restartMillis, lockTtlMillis, seed);
    }

    public Workload withCrashes(double afterEffect, double holdingLock, double restart) {
      return new Workload(keys, instances, spreadMillis, processingMillis, exponential, clientTimeoutMillis,
          maxAttempts, baseMillis, capMillis, afterEffect, holdingLock, restart, lockTtlMillis, seed);
    }

    public Workload withLockTtlMillis(double v) {
      return new Workload(keys, instances, spreadMillis, processingMillis, exponential, clientTimeoutMillis,
          maxAttempts, baseMillis, capMillis, crashAfterEffect, crashHoldingLock, restartMillis, v, seed);
    }

    public Workload withSeed(long v) {
      return new Workload(keys, instances, spreadMillis, processingMillis, exponential, clientTimeoutMillis,
          maxAttempts, baseMillis, capMillis, crashAfterEffect, crashHoldingLock, restartMillis, lockTtlMillis, v);
    }
  }

  /**
   * What one store did with one workload.
   *
   * @param strategy the store's name
   * @param characteristics the characteristics it was simulated by, sorted
   * @param keys keys (clients)
   * @param attempts requests the clients sent, refused ones included
   * @param effects effects run (committed, for a transactional store)
   * @param duplicates effects beyond the first of each key, summed
   * @param keysWithDuplicates keys with more than one effect
   * @param keysWithoutEffect keys with no effect at all (every attempt lost, refused or given up)
   * @param conflicts409 attempts answered 409 because another attempt held their key
   * @param fencedOut attempts whose effect was refused because a newer attempt had taken their key (answered 409)
   * @param replays attempts answered with a stored response
   * @param refused attempts that reached a dead instance
   * @param expiredLocks holds taken over after their lock TTL
   * @param resumed attempts that resumed from a recovery point instead of running the effect
   * @param clientsSucceeded clients that got a success (processed, replayed or resumed)
   * @param clientsGaveUp clients with no success within their attempts
   * @param completionMillisP50 median time from a client's first attempt to its first success (successful clients)
   * @param completionMillisP99 99th percentile of it
   * @param completionMillisMax the longest
   * @param stuckKeyMillisTotal time keys were held by attempts whose instance had died, summed: from the death
   *     until the lock expired, an older attempt still running stored the response, or (no expiry) the run ended
   * @param stuckKeyMillisMax the longest such hold
   * @param effectsPerKeyHistogram effects of a key to how many keys had that many
   * @param crashes instances that died
   */
  public record Result(String strategy, List<String> characteristics, int keys, long attempts, long effects,
      long duplicates, int keysWithDuplicates, int keysWithoutEffect, long conflicts409, long fencedOut,
      long replays, long refused, long expiredLocks, long resumed, int clientsSucceeded, int clientsGaveUp,
      double completionMillisP50, double completionMillisP99, double completionMillisMax,
      double stuckKeyMillisTotal, double stuckKeyMillisMax,
      Map<Integer, Integer> effectsPerKeyHistogram, long crashes) {}

  /** Whether a store with {@code characteristics} can be simulated: it declares control, per-instance or shared. */
  public static boolean simulates(Set<String> characteristics) {
    return characteristics.contains(IdempotencyStore.CONTROL)
        || characteristics.contains(IdempotencyStore.PER_INSTANCE)
        || characteristics.contains(IdempotencyStore.SHARED);
  }

  /**
   * Simulates a store that declares {@code characteristics}.
   *
   * @throws IllegalArgumentException when they name none of control, per-instance and shared (where the keys live)
   */
  public static Result run(String strategy, Set<String> characteristics, Workload workload) {
    if (!simulates(characteristics)) {
      throw new IllegalArgumentException("store '" + strategy + "' declares none of the characteristics "
          + IdempotencyStore.CONTROL + ", " + IdempotencyStore.PER_INSTANCE + ", " + IdempotencyStore.SHARED
          + " (where its keys live), so it cannot be simulated; it declares " + characteristics);
    }
    return new Run(strategy, characteristics, workload).run();
  }

  private static long micros(double millis) {
    return Math.round(millis * 1000);
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }

  /** One key in one store. */
  private static final class Key {
    int holder = -1;
    long takenAt;
    boolean completed;
    boolean effectDone;
    long highestToken;
  }

  /** One attempt that reached a live instance. */
  private static final class Try {
    final int id;
    final int client;
    final int instance;
    long token;
    boolean lost;
    Attempt.CrashPoint crash = Attempt.CrashPoint.NONE;

    Try(int id, int client, int instance) {
      this.id = id;
      this.client = client;
      this.instance = instance;
    }
  }

  private static final int SEND = 0;
  private static final int TIMEOUT = 1;
  private static final int FINISH = 2;
  private static final int CRASH = 3;
  private static final int RESTART = 4;

  private record Event(long at, long seq, int type, int a, int b) {}

  private static final class Run {
    final String strategy;
    final Set<String> characteristics;
    final Workload w;
    final boolean control;
    final boolean perInstance;
    final boolean lockTtl;
    final boolean fenced;
    final boolean transactional;
    final boolean recoveryPoints;
    final SplittableRandom random;
    final PriorityQueue<Event> events = new PriorityQueue<>((x, y) -> x.at() != y.at()
        ? Long.compare(x.at(), y.at()) : Long.compare(x.seq(), y.seq()));
    long seq;
    final long timeout;
    final long ttl;
    final long processing;
    final long restart;

    final Key[] shared;
    final Key[][] local;
    final boolean[] dead;
    final List<LinkedHashSet<Try>> inFlight = new ArrayList<>();
    final List<Try> tries = new ArrayList<>();

    final long[] clientStart;
    final int[] sent;
    final int[] waitingOn;
    final boolean[] finished;
    final long[] completion;
    int succeeded;
    int gaveUp;

    final int[] effectsPerKey;
    final long[] stuckSince;
    final long[] stuckUntil;
    long attempts;
    long conflicts;
    long fencedOut;
    long replays;
    long refused;
    long expiredLocks;
    long resumed;
    long crashes;
    long stuckTotal;
    long stuckMax;
    long now;

    Run(String strategy, Set<String> characteristics, Workload w) {
      this.strategy = strategy;
      this.characteristics = characteristics;
      this.w = w;
      control = characteristics.contains(IdempotencyStore.CONTROL);
      perInstance = !control && characteristics.contains(IdempotencyStore.PER_INSTANCE);
      transactional = !control && characteristics.contains(IdempotencyStore.TRANSACTIONAL);
      lockTtl = !transactional && characteristics.contains(IdempotencyStore.LOCK_TTL);
      fenced = !transactional && characteristics.contains(IdempotencyStore.FENCED);
      recoveryPoints = !transactional && characteristics.contains(IdempotencyStore.RECOVERY_POINTS);
      random = new SplittableRandom(w.seed());
      timeout = Math.max(1, micros(w.clientTimeoutMillis()));
      ttl = Math.max(1, micros(w.lockTtlMillis()));
      processing = Math.max(1, micros(w.processingMillis()));
      restart = micros(w.restartMillis());
      int n = w.keys();
      shared = control || perInstance ? null : new Key[n];
      local = perInstance ? new Key[w.instances()][n] : null;
      dead = new boolean[w.instances()];
      for (int i = 0; i < w.instances(); i++) {
        inFlight.add(new LinkedHashSet<>());
      }
      clientStart = new long[n];
      Arrays.fill(clientStart, -1);
      sent = new int[n];
      waitingOn = new int[n];
      Arrays.fill(waitingOn, -1);
      finished = new boolean[n];
      completion = new long[n];
      effectsPerKey = new int[n];
      stuckSince = new long[n];
      Arrays.fill(stuckSince, -1);
      stuckUntil = new long[n];
    }

    void schedule(long at, int type, int a, int b) {
      events.add(new Event(at, seq++, type, a, b));
    }

    Key key(int instance, int client) {
      Key[] store = perInstance ? local[instance] : shared;
      Key k = store[client];
      if (k == null) {
        k = new Key();
        store[client] = k;
      }
      return k;
    }

    Result run() {
      long spread = micros(w.spreadMillis());
      for (int c = 0; c < w.keys(); c++) {
        schedule(spread == 0 ? 0 : random.nextLong(spread + 1), SEND, c, 0);
      }
      while (!events.isEmpty()) {
        Event e = events.poll();
        now = e.at();
        switch (e.type()) {
          case SEND -> send(e.a());
          case TIMEOUT -> {
            if (waitingOn[e.a()] == e.b()) {
              waitingOn[e.a()] = -1;
              retry(e.a());
            }
          }
          case FINISH -> finish(tries.get(e.a()));
          case CRASH -> {
            Try t = tries.get(e.a());
            if (!t.lost) {
              crash(t.instance);
            }
          }
          case RESTART -> dead[e.a()] = false;
          default -> throw new IllegalStateException("event " + e.type());
        }
      }
      for (int c = 0; c < w.keys(); c++) {
        if (stuckSince[c] >= 0) {
          unstick(c, stuckUntil[c] == Long.MAX_VALUE ? now : stuckUntil[c]);
        }
      }
      return result();
    }

    void send(int client) {
      if (clientStart[client] < 0) {
        clientStart[client] = now;
      }
      sent[client]++;
      attempts++;
      int instance = w.instances() == 1 ? 0 : random.nextInt(w.instances());
      Try t = new Try(tries.size(), client, instance);
      tries.add(t);
      waitingOn[client] = t.id;
      schedule(now + timeout, TIMEOUT, client, t.id);
      if (dead[instance]) {
        refused++;
        answer(t, false);
        return;
      }
      if (control) {
        begin(t);
        return;
      }
      Key k = key(instance, client);
      if (k.completed) {
        replays++;
        answer(t, true);
        return;
      }
      if (k.holder >= 0) {
        if (!lockTtl || now - k.takenAt < ttl) {
          conflicts++;
          answer(t, false);
          return;
        }
        expiredLocks++;
        if (recoveryPoints && k.effectDone) {
          // The recovery point says the effect committed: finish the remaining phase (store the response).
          resumed++;
          unstick(client, now);
          k.holder = -1;
          k.completed = true;
          answer(t, true);
          return;
        }
      }
      unstick(client, now);
      k.holder = t.id;
      k.takenAt = now;
      t.token = ++k.highestToken;
      begin(t);
    }

    /** The attempt owns its key (or there is none): it processes, and maybe dies. */
    void begin(Try t) {
      long work = w.exponential()
          ? Math.max(1, Math.round(-processing * Math.log(1 - random.nextDouble()))) : processing;
      double u = random.nextDouble();
      inFlight.get(t.instance).add(t);
      if (u < w.crashHoldingLock()) {
        t.crash = Attempt.CrashPoint.HOLDING_LOCK;
        schedule(now + (long) (random.nextDouble() * work), CRASH, t.id, 0);
      } else {
        if (u < w.crashHoldingLock() + w.crashAfterEffect()) {
          t.crash = Attempt.CrashPoint.AFTER_EFFECT;
        }
        schedule(now + work, FINISH, t.id, 0);
      }
    }

    /** The attempt's processing ended: the effect, then the stored response (or a crash between them). */
    void finish(Try t) {
      if (t.lost) {
        return;
      }
      if (control) {
        effectsPerKey[t.client]++;
        complete(t);
        return;
      }
      Key k = key(t.instance, t.client);
      if (transactional) {
        if (t.crash == Attempt.CrashPoint.AFTER_EFFECT) {
          crash(t.instance); // rolls the effect back with the key
          return;
        }
        effectsPerKey[t.client]++;
        k.completed = true;
        k.holder = -1;
        complete(t);
        return;
      }
      if (fenced && t.token < k.highestToken) {
        fencedOut++;
        inFlight.get(t.instance).remove(t);
        answer(t, false);
        return;
      }
      effectsPerKey[t.client]++;
      if (recoveryPoints) {
        k.effectDone = true;
      }
      if (t.crash == Attempt.CrashPoint.AFTER_EFFECT) {
        crash(t.instance);
        return;
      }
      k.completed = true;
      unstick(t.client, now);
      if (k.holder == t.id) {
        k.holder = -1;
      }
      complete(t);
    }

    void complete(Try t) {
      if (t.crash == Attempt.CrashPoint.AFTER_EFFECT) {
        crash(t.instance);
        return;
      }
      inFlight.get(t.instance).remove(t);
      answer(t, true);
    }

    /** The instance dies: its attempts are lost; what they held stays held as the store's semantics say. */
    void crash(int instance) {
      crashes++;
      dead[instance] = true;
      schedule(now + restart, RESTART, instance, 0);
      for (Try t : inFlight.get(instance)) {
        t.lost = true;
        if (control || perInstance) {
          continue;
        }
        Key k = shared[t.client];
        if (k.holder != t.id || k.completed) {
          continue;
        }
        if (transactional) {
          k.holder = -1; // the dropped connection rolls the transaction back
        } else {
          // Held until the lock expires (without a TTL, for the rest of the run), or until an older attempt still
          // running elsewhere stores its response.
          stuckSince[t.client] = now;
          stuckUntil[t.client] = lockTtl ? k.takenAt + ttl : Long.MAX_VALUE;
        }
      }
      inFlight.get(instance).clear();
      if (perInstance) {
        local[instance] = new Key[w.keys()];
      }
    }

    /** The key of {@code client} is no longer held by a dead attempt from {@code at} (or its lock's expiry). */
    void unstick(int client, long at) {
      if (stuckSince[client] < 0) {
        return;
      }
      long micros = Math.max(0, Math.min(at, stuckUntil[client]) - stuckSince[client]);
      stuckSince[client] = -1;
      stuckTotal += micros;
      stuckMax = Math.max(stuckMax, micros);
    }

    /** An answer reaches the client, which ignores it unless it is still waiting for that attempt. */
    void answer(Try t, boolean success) {
      int c = t.client;
      if (finished[c] || waitingOn[c] != t.id) {
        return;
      }
      waitingOn[c] = -1;
      if (success) {
        finished[c] = true;
        completion[succeeded++] = now - clientStart[c];
      } else {
        retry(c);
      }
    }

    void retry(int client) {
      if (sent[client] >= w.maxAttempts()) {
        finished[client] = true;
        gaveUp++;
        return;
      }
      int n = sent[client] - 1;
      double ceilingMillis = Math.min(w.capMillis(), w.baseMillis() * Math.pow(2, Math.min(n, 1000)));
      long ceiling = micros(ceilingMillis);
      long sleep = ceiling <= 0 ? 0 : random.nextLong(ceiling + 1);
      schedule(now + sleep, SEND, client, 0);
    }

    Result result() {
      long effects = 0;
      long duplicates = 0;
      int withDuplicates = 0;
      int without = 0;
      TreeMap<Integer, Integer> histogram = new TreeMap<>();
      for (int e : effectsPerKey) {
        effects += e;
        duplicates += Math.max(0, e - 1);
        withDuplicates += e > 1 ? 1 : 0;
        without += e == 0 ? 1 : 0;
        histogram.merge(e, 1, Integer::sum);
      }
      long[] done = Arrays.copyOf(completion, succeeded);
      Arrays.sort(done);
      return new Result(strategy, characteristics.stream().sorted().toList(), w.keys(), attempts, effects,
          duplicates, withDuplicates, without, conflicts, fencedOut, replays, refused, expiredLocks, resumed, succeeded,
          gaveUp, percentile(done, 0.50), percentile(done, 0.99), done.length == 0 ? 0 : millis(done[done.length - 1]),
          millis(stuckTotal), millis(stuckMax), histogram, crashes);
    }

    /** Nearest rank, in milliseconds; 0 when nothing succeeded. */
    static double percentile(long[] sorted, double p) {
      if (sorted.length == 0) {
        return 0;
      }
      int rank = (int) Math.ceil(p * sorted.length);
      return millis(sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))]);
    }
  }
}
