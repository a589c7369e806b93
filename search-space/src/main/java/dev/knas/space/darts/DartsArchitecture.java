package dev.knas.space.darts;

import dev.knas.space.SpaceArchitecture;
import java.util.List;
import java.util.Objects;

/**
 * A DARTS architecture: the normal cell, repeated at every resolution, and the reduction cell, which halves the
 * resolution (its edges from the cell inputs have stride 2). Immutable; equal when both cells list the same
 * edges in the same order (see {@link #canonical} for the order-free identity).
 */
public record DartsArchitecture(DartsCell normal, DartsCell reduce) implements SpaceArchitecture {

  public DartsArchitecture {
    Objects.requireNonNull(normal, "normal");
    Objects.requireNonNull(reduce, "reduce");
  }

  /**
   * The architecture of these two edge lists, each in node order.
   *
   * @throws IllegalArgumentException naming the cell, e.g. {@code reduce node 4: input 7 is out of range 0..3}
   */
  public static DartsArchitecture of(List<DartsEdge> normal, List<DartsEdge> reduce) {
    return new DartsArchitecture(cell("normal", normal), cell("reduce", reduce));
  }

  private static DartsCell cell(String name, List<DartsEdge> edges) {
    try {
      return new DartsCell(edges);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " " + e.getMessage(), e);
    }
  }

  @Override
  public String space() {
    return DartsSpace.NAME;
  }

  /** DARTS's genotype form, as {@code genotypes.py} writes it. */
  @Override
  public String text() {
    return GenotypeForm.write(this);
  }

  /** NASLib's compact form, as Python prints its tuple (NAS-Bench-301 and NAS-Bench-Suite-Zero key by it). */
  public String compact() {
    return CompactForm.write(this);
  }

  /** Both cells with each node's edges ordered by input: one value per function this form can tell apart. */
  public DartsArchitecture canonical() {
    return new DartsArchitecture(normal.canonical(), reduce.canonical());
  }

  @Override
  public String toString() {
    return text();
  }
}
