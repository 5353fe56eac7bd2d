package io.strategybench.strategy;

/**
 * A family of interchangeable strategies: load balancers, rate limiters, rings, cache policies.
 * Strategies of a family implement {@link #type()} and are found as {@link java.util.ServiceLoader}
 * providers of that interface.
 *
 * @param name short lowercase name used on the command line ({@code lb})
 * @param type the interface every strategy of the family implements
 * @param title human name ({@code Load balancing})
 * @param question what choosing a strategy of this family decides
 * @param <S> the family interface
 */
public record Family<S>(String name, Class<S> type, String title, String question) {}
