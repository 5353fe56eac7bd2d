package io.strategybench.cli;

import io.strategybench.strategy.Family;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.SettingDescriptor;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several strategies of one family and their parameters, as given on the command line: {@code --strategy}
 * takes names separated by commas or {@code all}; {@code --param KEY=VALUE} goes to every chosen strategy
 * that has that parameter, {@code --param NAME:KEY=VALUE} to one strategy.
 */
public final class StrategySelection {
  private StrategySelection() {}

  public record Chosen<S>(StrategyDescriptor<S> descriptor, Map<String, String> params) {}

  public static <S> List<Chosen<S>> resolve(StrategyRegistry registry, Family<S> family, List<String> names,
      Map<String, String> params) {
    List<StrategyDescriptor<S>> descriptors = new ArrayList<>();
    if (names.isEmpty() || names.contains("all")) {
      descriptors.addAll(registry.strategies(family));
    } else {
      for (String name : names) {
        StrategyDescriptor<S> d = registry.strategy(family, name.trim());
        if (!descriptors.contains(d)) {
          descriptors.add(d);
        }
      }
    }
    Map<String, Map<String, String>> perStrategy = new LinkedHashMap<>();
    descriptors.forEach(d -> perStrategy.put(d.name(), new LinkedHashMap<>()));
    for (Map.Entry<String, String> entry : params.entrySet()) {
      String key = entry.getKey();
      int colon = key.indexOf(':');
      if (colon > 0) {
        String target = key.substring(0, colon);
        if (!perStrategy.containsKey(target)) {
          registry.strategy(family, target); // unknown name: lists the valid ones
          throw new InvalidParameterException(key, "--param " + key + ": strategy '" + target
              + "' is not among the chosen strategies " + perStrategy.keySet());
        }
        perStrategy.get(target).put(key.substring(colon + 1), entry.getValue());
        continue;
      }
      boolean used = false;
      for (StrategyDescriptor<S> d : descriptors) {
        if (d.settings().stream().map(SettingDescriptor::name).anyMatch(key::equals)) {
          perStrategy.get(d.name()).put(key, entry.getValue());
          used = true;
        }
      }
      if (!used) {
        throw new InvalidParameterException(key, "--param " + key + ": none of the chosen strategies has a"
            + " parameter '" + key + "'; `bench list` shows each strategy's parameters");
      }
    }
    List<Chosen<S>> out = new ArrayList<>();
    for (StrategyDescriptor<S> d : descriptors) {
      Map<String, String> p = perStrategy.get(d.name());
      d.validate(p);
      out.add(new Chosen<>(d, p));
    }
    return out;
  }
}
