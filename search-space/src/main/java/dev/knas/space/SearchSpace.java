package dev.knas.space;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * A search space: what its architectures are, how they are written, and how a search moves through them. One
 * class per space, registered with {@code @AutoService(SearchSpace.class)} and found by {@link SearchSpaces}, so
 * that optimizers, the cache and the clients stay space-agnostic (NASLib's search-space object: sample, mutate,
 * hash). Implementations are stateless and thread-safe.
 */
public interface SearchSpace {

  /** The name requests, journals and cache keys use, e.g. {@code nb201}: lower case, no spaces. */
  String name();

  /** The definition's version (forms, canonical form, sampling, mutation), e.g. {@code nb201/1}; bumped on change. */
  String version();

  /** One sentence for listings: what the space is and where it comes from. */
  String description();

  /** How many architectures the space holds; exact (every space here is finite). */
  BigInteger size();

  /** The text forms {@link #parse} accepts, each "name: what it looks like"; architectures print the first. */
  List<String> forms();

  /** An architecture of the space in its first form, as a user would write it. */
  String example();

  /**
   * The architecture {@code text} writes, in any of the {@link #forms}.
   *
   * @throws IllegalArgumentException naming the bad part (the form, the position, the expected values)
   */
  SpaceArchitecture parse(String text);

  /**
   * The canonical member of {@code architecture}'s class: two architectures with one canonical form compute the
   * same function (never the reverse mistake; a space may miss equivalences, and its description says which it
   * knows). Values are computed and cached on the canonical form.
   *
   * @throws IllegalArgumentException when {@code architecture} is of another space
   */
  SpaceArchitecture canonical(SpaceArchitecture architecture);

  /** What replicas route by: the lower-case hex SHA-256 that identifies {@code architecture}'s canonical class. */
  String canonicalHash(SpaceArchitecture architecture);

  /** An architecture drawn uniformly from the space with {@code random}. */
  SpaceArchitecture sample(RandomGenerator random);

  /** A one-step neighbour of {@code architecture}, drawn with {@code random}; never {@code architecture} itself. */
  SpaceArchitecture mutate(SpaceArchitecture architecture, RandomGenerator random);

  /** Every architecture of the space in a fixed order, where the space is small enough to list; else empty. */
  Optional<Stream<SpaceArchitecture>> enumerate();
}
