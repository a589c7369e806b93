package dev.knas.space.darts;

import java.util.Objects;

/**
 * One input of a DARTS node: {@code operation} applied to node {@code input}'s output (0 and 1 are the two
 * previous cells' outputs, 2..5 the cell's intermediate nodes). Which inputs a node may take is its cell's to
 * check.
 */
public record DartsEdge(DartsOperation operation, int input) {

  public DartsEdge {
    Objects.requireNonNull(operation, "operation");
  }
}
