package dev.knas.space;

/**
 * One architecture of a {@link SearchSpace}, as a value: equal architectures are equal objects. What it computes
 * is the space's to say; this is what every space's architectures have in common.
 */
public interface SpaceArchitecture {

  /** The {@link SearchSpace#name} of its space. */
  String space();

  /** Its text in its space's first form; the space parses it back to an equal architecture. */
  String text();
}
