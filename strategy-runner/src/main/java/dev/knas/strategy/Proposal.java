package dev.knas.strategy;

import dev.knas.space.nb201.Nb201Architecture;

/**
 * One architecture a strategy wants scored.
 *
 * @param sequence position among all the strategy's proposals, from 0
 * @param stage whether it is to be screened with zero-cost proxies or evaluated at the search's fidelity
 */
public record Proposal(long sequence, Nb201Architecture architecture, Stage stage) {}
