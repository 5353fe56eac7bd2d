package io.strategybench.testing;

import io.strategybench.lb.Backend;

/** A backend whose in-flight count and availability a test sets by hand. */
public final class FakeBackend implements Backend {
  private final String name;
  private final int weight;
  public int inFlight;
  public boolean available = true;

  public FakeBackend(String name, int weight) {
    this.name = name;
    this.weight = weight;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int weight() {
    return weight;
  }

  @Override
  public int inFlight() {
    return inFlight;
  }

  @Override
  public boolean isAvailable() {
    return available;
  }

  @Override
  public String toString() {
    return name;
  }
}
