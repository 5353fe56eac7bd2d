package io.strategybench.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * One simulated backend: its name, weight, how long it works on a request, how many requests it works on
 * at once, how many more it queues before answering 503, how big its responses are, and its faults.
 *
 * @param name unique name ({@code b1} ...)
 * @param weight relative capacity announced to the load balancer, at least 1
 * @param serviceTime the service-time distribution
 * @param capacity requests served concurrently
 * @param queueLimit requests waiting beyond {@code capacity}; more are answered 503 at once
 * @param responseBytes body size of each response
 * @param faults its scheduled faults, in time order
 */
public record SimulatedBackendSpec(
    String name, int weight, ServiceTime serviceTime, int capacity, int queueLimit, int responseBytes,
    List<Fault> faults) {

  public SimulatedBackendSpec {
    if (weight < 1 || weight > 1000) {
      throw new IllegalArgumentException("backend " + name + ": weight must be 1..1000, got " + weight);
    }
    if (capacity < 1 || capacity > 100_000) {
      throw new IllegalArgumentException("backend " + name + ": capacity must be 1..100000, got " + capacity);
    }
    if (queueLimit < 0 || queueLimit > 1_000_000) {
      throw new IllegalArgumentException("backend " + name + ": queue limit must be 0..1000000, got " + queueLimit);
    }
    if (responseBytes < 0 || responseBytes > 64 * 1024 * 1024) {
      throw new IllegalArgumentException("backend " + name + ": response size must be 0..64MiB, got " + responseBytes);
    }
    faults = faults.stream().sorted((a, b) -> Long.compare(a.offsetNanos(), b.offsetNanos())).toList();
  }

  /**
   * This backend with one property changed: {@code weight}, {@code capacity}, {@code service-time},
   * {@code queue} or {@code response-bytes}.
   *
   * @throws IllegalArgumentException naming the property and what is valid
   */
  public SimulatedBackendSpec with(String key, String value) {
    String where = "backend " + name + " " + key;
    try {
      return switch (key) {
        case "weight" -> new SimulatedBackendSpec(name, Integer.parseInt(value), serviceTime, capacity, queueLimit,
            responseBytes, faults);
        case "capacity" -> new SimulatedBackendSpec(name, weight, serviceTime, Integer.parseInt(value), queueLimit,
            responseBytes, faults);
        case "service-time" -> new SimulatedBackendSpec(name, weight, ServiceTime.parse(value, where), capacity,
            queueLimit, responseBytes, faults);
        case "queue" -> new SimulatedBackendSpec(name, weight, serviceTime, capacity, Integer.parseInt(value),
            responseBytes, faults);
        case "response-bytes" -> new SimulatedBackendSpec(name, weight, serviceTime, capacity, queueLimit,
            Integer.parseInt(value), faults);
        default -> throw new IllegalArgumentException("unknown backend property '" + key
            + "'; use weight, capacity, service-time, queue or response-bytes");
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": '" + value + "' is not a whole number");
    }
  }

  /**
   * Applies {@code NAME.KEY=VALUE} overrides ({@code b2.service-time=exp:10ms}) to a pool.
   *
   * @throws IllegalArgumentException when an override is malformed or names a backend that does not exist
   */
  public static List<SimulatedBackendSpec> override(List<SimulatedBackendSpec> pool, List<String> overrides) {
    List<SimulatedBackendSpec> out = new ArrayList<>(pool);
    for (String override : overrides) {
      int dot = override.indexOf('.');
      int eq = override.indexOf('=');
      if (dot <= 0 || eq < dot + 2) {
        throw new IllegalArgumentException("backend setting '" + override + "' is malformed; write NAME.KEY=VALUE,"
            + " e.g. b2.service-time=exp:10ms");
      }
      String name = override.substring(0, dot);
      int index = -1;
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).name().equals(name)) {
          index = i;
        }
      }
      if (index < 0) {
        throw new IllegalArgumentException("backend setting '" + override + "' names backend '" + name
            + "'; the simulated backends are b1..b" + out.size());
      }
      out.set(index, out.get(index).with(override.substring(dot + 1, eq), override.substring(eq + 1)));
    }
    return out;
  }

  /**
   * Builds {@code count} backends named {@code b1..bN}; list parameters are cycled when shorter than
   * {@code count}, and each fault goes to the backend it names.
   *
   * @throws IllegalArgumentException when a fault names a backend that does not exist
   */
  public static List<SimulatedBackendSpec> pool(int count, List<Integer> weights, List<Integer> capacities,
      String serviceTime, int queueLimit, int responseBytes, List<String> faults) {
    if (count < 1 || count > 10_000) {
      throw new IllegalArgumentException("number of simulated backends must be 1..10000, got " + count);
    }
    ServiceTime distribution = ServiceTime.parse(serviceTime, "service time");
    List<Fault> parsed = faults.stream().map(Fault::parse).toList();
    for (Fault fault : parsed) {
      if (!fault.backend().matches("b\\d+") || Integer.parseInt(fault.backend().substring(1)) < 1
          || Integer.parseInt(fault.backend().substring(1)) > count) {
        throw new IllegalArgumentException("fault '" + fault + "' names backend '" + fault.backend()
            + "'; the simulated backends are b1..b" + count);
      }
    }
    List<SimulatedBackendSpec> specs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "b" + (i + 1);
      int weight = weights.isEmpty() ? 1 : weights.get(i % weights.size());
      int capacity = capacities.isEmpty() ? 8 : capacities.get(i % capacities.size());
      specs.add(new SimulatedBackendSpec(name, weight, distribution, capacity, queueLimit, responseBytes,
          parsed.stream().filter(f -> f.backend().equals(name)).toList()));
    }
    return specs;
  }
}
