package dev.knas.space.nb201;

import java.util.List;

/** A cell edge: the operation on it carries node {@code source} into node {@code target}. */
public record Edge(int target, int source) {

  /** The six edges of a cell in canonical order: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2. */
  public static final List<Edge> CANONICAL_ORDER =
      List.of(new Edge(1, 0), new Edge(2, 0), new Edge(2, 1), new Edge(3, 0), new Edge(3, 1), new Edge(3, 2));

  @Override
  public String toString() {
    return target + "<-" + source;
  }
}
