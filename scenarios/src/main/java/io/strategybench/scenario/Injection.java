package io.strategybench.scenario;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import io.gatling.javaapi.core.OpenInjectionStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An open-model injection profile of one measured population, and when each of its users is due: Gatling's
 * steps for it, and the planned start of user {@code i}, so the load generator's lag (users started late) can be
 * measured against the plan. Arrivals are evenly spaced, as Gatling spaces them: at a constant rate {@code r}
 * user {@code i} is due at {@code i / r}; on a ramp from {@code a} to {@code b} over {@code d} seconds at the
 * {@code t} where {@code a t + (b - a) t^2 / 2d = i}.
 *
 * @param delaySeconds nothing happens for this long first
 * @param fromRate arrivals per second at the start (0 with {@code atOnce})
 * @param toRate arrivals per second at the end
 * @param seconds how long arrivals last (0 with {@code atOnce})
 * @param atOnce users that all start at once, or 0
 */
public record Injection(double delaySeconds, double fromRate, double toRate, double seconds, int atOnce) {
  public Injection {
    if (delaySeconds < 0 || fromRate < 0 || toRate < 0 || seconds < 0 || atOnce < 0) {
      throw new IllegalArgumentException("an injection's delay, rates, duration and users must not be negative");
    }
  }

  /** {@code rate} arrivals a second for {@code seconds}. */
  public static Injection constant(double rate, double seconds) {
    return new Injection(0, rate, rate, seconds, 0);
  }

  /** Arrivals from {@code from} a second rising evenly to {@code to} a second over {@code seconds}. */
  public static Injection ramp(double from, double to, double seconds) {
    return new Injection(0, from, to, seconds, 0);
  }

  /** {@code users} arrivals at once. */
  public static Injection atOnce(int users) {
    return new Injection(0, 0, 0, 0, users);
  }

  /** The same profile, {@code delay} seconds later. */
  public Injection after(double delay) {
    return new Injection(delaySeconds + delay, fromRate, toRate, seconds, atOnce);
  }

  /** Gatling's injection steps for this profile. */
  public OpenInjectionStep[] steps() {
    List<OpenInjectionStep> steps = new ArrayList<>();
    if (delaySeconds > 0) {
      steps.add(nothingFor(Duration.ofNanos(Math.round(delaySeconds * 1e9))));
    }
    if (atOnce > 0) {
      steps.add(atOnceUsers(atOnce));
    } else if (fromRate == toRate) {
      steps.add(constantUsersPerSec(toRate).during(Duration.ofNanos(Math.round(seconds * 1e9))));
    } else {
      steps.add(rampUsersPerSec(fromRate).to(toRate).during(Duration.ofNanos(Math.round(seconds * 1e9))));
    }
    return steps.toArray(new OpenInjectionStep[0]);
  }

  /** Gatling's steps for several profiles one after the other. */
  public static OpenInjectionStep[] steps(Injection... parts) {
    List<OpenInjectionStep> steps = new ArrayList<>();
    for (Injection part : parts) {
      steps.addAll(List.of(part.steps()));
    }
    return steps.toArray(new OpenInjectionStep[0]);
  }

  /** How many users the profile starts. */
  public long users() {
    return atOnce > 0 ? atOnce : Math.round((fromRate + toRate) / 2 * seconds);
  }

  /** When user {@code i} (from 0) is due, in nanoseconds after the profile begins. */
  public long offsetNanos(long i) {
    double t;
    if (atOnce > 0) {
      t = 0;
    } else if (fromRate == toRate) {
      t = toRate == 0 ? 0 : i / toRate;
    } else {
      double a = (toRate - fromRate) / (2 * seconds);
      double b = fromRate;
      t = (-b + Math.sqrt(b * b + 4 * a * i)) / (2 * a);
    }
    return Math.round((delaySeconds + t) * 1e9);
  }
}
