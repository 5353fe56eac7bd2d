package io.strategybench.strategy;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;

/**
 * A registered strategy, known by its class alone: nothing is instantiated until {@link #create} is called.
 *
 * @param family the family it belongs to
 * @param name its kebab-case name
 * @param summary one line from its {@link Strategy} annotation
 * @param type the implementing class
 * @param settingsType its settings class, or {@code null} if it takes no parameters
 * @param source {@code built-in}, or the path of the plugin jar it came from
 * @param characteristics what it declares of itself ({@link Strategy#characteristics()})
 * @param <S> the family interface
 */
public record StrategyDescriptor<S>(
    Family<S> family,
    String name,
    String summary,
    Class<? extends S> type,
    Class<? extends StrategySettings> settingsType,
    String source,
    java.util.Set<String> characteristics) {

  public static final String BUILT_IN = "built-in";

  public StrategyDescriptor {
    characteristics = java.util.Set.copyOf(characteristics);
  }

  /** Whether the strategy declares {@code characteristic} ({@link Strategy#characteristics()}). */
  public boolean has(String characteristic) {
    return characteristics.contains(characteristic);
  }

  public boolean isPlugin() {
    return !BUILT_IN.equals(source);
  }

  /** The parameters this strategy takes, with defaults and ranges. */
  public List<SettingDescriptor> settings() {
    return settingsType == null ? List.of() : SettingsBinder.describe(settingsType);
  }

  /** Binds and validates {@code params} without building the strategy, to fail before anything starts. */
  public void validate(Map<String, String> params) {
    bindSettings(params);
  }

  /**
   * Builds a new instance with {@code params} (kebab-case name to text) over the defaults.
   *
   * @throws InvalidParameterException when a parameter is unknown, malformed or out of range
   * @throws StrategyException when the strategy's constructor fails
   */
  public S create(Map<String, String> params, StrategyContext context) {
    StrategySettings settings = bindSettings(params);
    Constructor<?> constructor = bestConstructor();
    Class<?>[] parameterTypes = constructor.getParameterTypes();
    Object[] args = new Object[parameterTypes.length];
    for (int i = 0; i < parameterTypes.length; i++) {
      args[i] = parameterTypes[i] == StrategyContext.class ? context : settings;
    }
    try {
      return family.type().cast(constructor.newInstance(args));
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StrategyException se) {
        throw se;
      }
      throw new StrategyException(describe() + " failed to start: " + cause, cause);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new StrategyException(describe() + " cannot be instantiated: " + e, e);
    }
  }

  /** {@code lb strategy 'round-robin'}, with the plugin jar when it is one. */
  public String describe() {
    return family.name() + " strategy '" + name + "'" + (isPlugin() ? " (plugin " + source + ")" : "");
  }

  private StrategySettings bindSettings(Map<String, String> params) {
    if (settingsType == null) {
      if (!params.isEmpty()) {
        throw new InvalidParameterException(params.keySet().iterator().next(),
            describe() + " takes no parameters, got: " + String.join(", ", params.keySet()));
      }
      return null;
    }
    return SettingsBinder.bind(settingsType, params, describe());
  }

  private Constructor<?> bestConstructor() {
    Constructor<?> best = null;
    for (Constructor<?> candidate : type.getConstructors()) {
      if (isInjectable(candidate) && (best == null || candidate.getParameterCount() > best.getParameterCount())) {
        best = candidate;
      }
    }
    if (best == null) {
      throw new StrategyException(describe() + " has no public constructor taking only "
          + (settingsType == null ? "" : settingsType.getSimpleName() + " and/or ") + "StrategyContext");
    }
    return best;
  }

  private boolean isInjectable(Constructor<?> constructor) {
    for (Class<?> parameter : constructor.getParameterTypes()) {
      if (parameter != StrategyContext.class && (settingsType == null || parameter != settingsType)) {
        return false;
      }
    }
    return true;
  }

  /** The settings type a strategy class takes in one of its public constructors, or null. */
  @SuppressWarnings("unchecked")
  static Class<? extends StrategySettings> settingsTypeOf(Class<?> type) {
    Class<? extends StrategySettings> found = null;
    for (Constructor<?> constructor : type.getConstructors()) {
      for (Class<?> parameter : constructor.getParameterTypes()) {
        if (StrategySettings.class.isAssignableFrom(parameter)) {
          if (found != null && found != parameter) {
            throw new StrategyException(type.getName() + " takes two settings types: "
                + found.getName() + " and " + parameter.getName());
          }
          if (Modifier.isAbstract(parameter.getModifiers())) {
            throw new StrategyException(type.getName() + ": settings type " + parameter.getName() + " must be concrete");
          }
          found = (Class<? extends StrategySettings>) parameter;
        }
      }
    }
    return found;
  }
}
