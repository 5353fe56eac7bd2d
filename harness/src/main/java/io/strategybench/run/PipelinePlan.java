package io.strategybench.run;

import io.strategybench.family.FamilyModule;
import io.strategybench.family.FamilyModules;
import io.strategybench.run.SuiteFiles.NonEmpty;
import io.strategybench.run.SuiteFiles.Optional;
import io.strategybench.run.SuiteFiles.Positive;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stages of several families measured together in one target, in order: the API gateway of the design
 * ({@code key -> rate limit -> cache -> load balancer -> backends}). Each client request carries its API key (in a
 * header, or as the {@code sub} claim of a JWT), and reads a key of the service by a Zipf popularity; a few clients
 * send most of the requests, so the rate limiter has work. The pipeline is measured whole, then, with
 * {@code withoutEachStage}, once without each stage in turn, so each stage's effect shows beside its own server-side
 * latency and counters.
 *
 * @param stages the stages, each {@code family:strategy} ({@code ratelimit:token-bucket})
 * @param serve further {@code bench serve} arguments by family ({@code ratelimit: [--rule, ...]},
 *     {@code cache: [--capacity, "1000"]}, {@code lb: [--simulated, "4"]}), and under {@code server} those of the
 *     server itself; a variant without a family's stage leaves that family's arguments out. None by default
 * @param rate requests per second (a share of the machine's capacity needs a calibration, which a pipeline does
 *     not run yet)
 * @param seconds measured seconds of each run
 * @param warmupSeconds warm-up seconds before it
 * @param ioThreads the target's I/O threads
 * @param keys distinct keys read ({@code GET /k/KEY})
 * @param zipf Zipf's exponent of the keys' popularity
 * @param apiKeys distinct clients ({@code client-0} ..)
 * @param apiKeySkew Zipf's exponent of the clients' share of the requests (0: every client alike)
 * @param keyFrom where a request carries its client: {@code header} ({@code X-Api-Key}) or {@code jwt} (the
 *     {@code sub} claim of a bearer token)
 * @param withoutEachStage also measure the pipeline without each stage but the last
 */
public record PipelinePlan(@NonEmpty List<String> stages, @Optional Map<String, List<String>> serve, Rate rate,
    @Positive int seconds, int warmupSeconds, @Positive int ioThreads, @Positive int keys, double zipf,
    @Positive int apiKeys, double apiKeySkew, String keyFrom, boolean withoutEachStage) {

  /** The key of {@link #serve} for the server's own arguments. */
  public static final String SERVER = "server";

  public PipelinePlan {
    serve = serve == null ? Map.of() : Map.copyOf(serve);
  }

  /** The family of a stage ({@code ratelimit} of {@code ratelimit:token-bucket}). */
  public static String family(String stage) {
    int colon = stage.indexOf(':');
    return colon < 0 ? stage : stage.substring(0, colon);
  }

  /** The variants measured: the whole pipeline, then (with {@code withoutEachStage}) each but the last left out. */
  public List<List<String>> variants() {
    List<List<String>> out = new ArrayList<>();
    out.add(stages);
    if (withoutEachStage) {
      for (int i = 0; i < stages.size() - 1; i++) {
        List<String> without = new ArrayList<>(stages);
        without.remove(i);
        out.add(without);
      }
    }
    return out;
  }

  /** Checks the stages name families that have stages and strategies they know. */
  void validate(FamilyModules modules, FamilyModule.Problems problems) {
    for (int i = 0; i < stages.size(); i++) {
      String stage = stages.get(i);
      int colon = stage.indexOf(':');
      FamilyModule module = modules.find(family(stage));
      if (colon < 1 || colon == stage.length() - 1) {
        problems.at("stages/" + i, "a stage is family:strategy, as lb:round-robin; got '" + stage + "'");
      } else if (module == null || module.stages() == null) {
        List<String> withStages = modules.all().stream().filter(m -> m.stages() != null)
            .map(m -> m.family().name()).toList();
        problems.at("stages/" + i, "'" + family(stage) + "' is not a family with a stage; valid: "
            + String.join(", ", withStages));
      } else if (!modules.registry().names(module.family()).contains(stage.substring(colon + 1))) {
        problems.at("stages/" + i, "'" + stage.substring(colon + 1) + "' is not a " + module.family().name()
            + " strategy; valid: " + String.join(", ", modules.registry().names(module.family())));
      }
    }
    List<String> families = stages.stream().map(PipelinePlan::family).toList();
    for (String key : serve.keySet()) {
      if (!key.equals(SERVER) && !families.contains(key)) {
        problems.at("serve/" + key, "names no stage of the pipeline; valid: " + SERVER + ", "
            + String.join(", ", families));
      }
    }
    if (rate.isShare()) {
      problems.at("rate", "give requests per second: a share of the machine's capacity needs a calibration, which"
          + " a pipeline does not run yet");
    }
    if (new java.util.HashSet<>(families).size() != families.size()) {
      problems.at("stages", "each family's stage appears once, got " + String.join(", ", stages));
    }
    if (!keyFrom.equals("header") && !keyFrom.equals("jwt")) {
      problems.at("keyFrom", "is header (X-Api-Key) or jwt (a bearer token's sub claim), got '" + keyFrom + "'");
    }
    if (!(zipf >= 0 && zipf <= 5) || !(apiKeySkew >= 0 && apiKeySkew <= 5)) {
      problems.at("zipf", "zipf and apiKeySkew are Zipf exponents, 0 to 5");
    }
  }
}
