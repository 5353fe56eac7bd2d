package io.strategybench.run;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every StrategyBench JMH benchmark measures and how, when run by hand: mean time per operation in
 * nanoseconds, 3 warm-up and 5 measured iterations of a second, one fork. JMH reads these from the superclass;
 * {@link MicroLens} sets iterations, times and forks per run. A plugin family's benchmark extends it too.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class JmhDefaults {}
