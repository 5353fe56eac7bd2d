package io.strategybench.family;

import io.strategybench.server.Stage;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.util.List;
import java.util.Map;

/**
 * How a family puts its strategy into the target server: the {@code bench serve} options of its stage, and the
 * stage. Stages compose: {@code bench serve --stage ratelimit:token-bucket --stage cache:w-tinylfu --stage
 * lb:round-robin} runs them in that order, each passing a request it does not answer to the next.
 */
public interface StageFactory {
  /**
   * The options of the family's stage, a new object each call: an {@link io.strategybench.cli.OptionTable}
   * bound for one command line ({@code OptionTable.of(MyOptions.class).bind()}) or a picocli-annotated object;
   * null when it has none. Option names must not clash with another family's.
   */
  default Object options() {
    return null;
  }

  /** The strategy the stage runs when {@code bench serve} names none. */
  String defaultStrategy();

  /**
   * The stages {@code bench serve --family NAME --strategy S} runs, each as {@code family:strategy}: by default
   * the family's own stage alone; a family whose stage needs others behind it names them (rate limiting puts a
   * round-robin load balancer behind its limiter).
   */
  default List<String> pipeline(String family, String strategy) {
    return List.of(family + ":" + strategy);
  }

  /** Builds the stage. */
  Built build(Request request);

  /**
   * A stage factory from its parts.
   *
   * @param defaultStrategy the strategy when {@code bench serve} names none
   * @param options a new options object of the family's {@code serve} options each call, or null for none
   * @param build builds the stage
   * @param behind the stages its usual pipeline puts behind it ({@code lb:round-robin}); none for a stage that
   *     answers every request
   */
  static StageFactory of(String defaultStrategy, java.util.function.Supplier<Object> options,
      java.util.function.Function<Request, Built> build, String... behind) {
    return new StageFactory() {
      @Override
      public Object options() {
        return options == null ? null : options.get();
      }

      @Override
      public String defaultStrategy() {
        return defaultStrategy;
      }

      @Override
      public List<String> pipeline(String family, String strategy) {
        List<String> stages = new java.util.ArrayList<>(List.of(family + ":" + strategy));
        stages.addAll(List.of(behind));
        return stages;
      }

      @Override
      public Built build(Request request) {
        return build.apply(request);
      }
    };
  }

  /**
   * What a stage is built from.
   *
   * @param registry every strategy of every family
   * @param strategy the strategy the stage runs
   * @param params the strategy's parameters ({@code -p KEY=VALUE}), not yet validated
   * @param options this family's options object, as parsed (null when it has none)
   * @param common the options every stage may read: the simulated origin's, the I/O threads
   * @param position where the stage stands in the pipeline, from 0
   * @param count how many stages the pipeline has: a stage before the last passes what it does not answer on
   */
  record Request(StrategyRegistry registry, StrategyDescriptor<?> strategy, Map<String, String> params, Object options,
      Common common, int position, int count) {
    public boolean last() {
      return position == count - 1;
    }

    /** The stage's options as parsed, when they come from the option table of {@code type}. */
    public <T extends Record> T options(Class<T> type) {
      return type.cast(((io.strategybench.cli.OptionTable.Bound<?>) options).values());
    }
  }

  /**
   * Options of {@code bench serve} that any stage may read.
   *
   * @param ioThreads the server's event-loop threads
   * @param originTime service time of a simulated origin ({@code exp:20ms})
   * @param originCapacity requests a simulated origin serves at once
   * @param originQueue requests waiting for it beyond that
   */
  record Common(int ioThreads, String originTime, int originCapacity, int originQueue) {}

  /**
   * A built stage.
   *
   * @param stage the stage
   * @param description what it serves, for the line {@code bench serve} prints ({@code 4 backend(s)})
   */
  record Built(Stage stage, String description) {}
}
