package dev.knas.space.darts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A DARTS cell: intermediate nodes 2..5, each summing two edges from two different earlier nodes, held as eight
 * edges in node order (edges 2k-4 and 2k-3 feed node k), the layout of DARTS's genotype and NASLib's compact
 * form. The cell's output concatenates nodes 2..5. Immutable.
 */
public record DartsCell(List<DartsEdge> edges) {

  /** The first intermediate node; 0 and 1 are the cell's inputs. */
  public static final int FIRST_NODE = 2;

  /** The last intermediate node. */
  public static final int LAST_NODE = 5;

  /** Edges per node: DARTS keeps the two strongest inputs of each node. */
  public static final int EDGES_PER_NODE = 2;

  /** Edges per cell. */
  public static final int EDGES = (LAST_NODE - FIRST_NODE + 1) * EDGES_PER_NODE;

  /** Orders a node's two edges by input; its inputs differ, so this is total on a node. */
  private static final Comparator<DartsEdge> BY_INPUT = Comparator.comparingInt(DartsEdge::input);

  /**
   * Checks the shape DARTS derives and NASLib samples: eight edges, each node's inputs earlier than the node and
   * different from each other (DARTS's {@code genotype()} picks two distinct predecessors, NASLib's
   * {@code sample_random_architecture} draws them without replacement).
   *
   * @throws IllegalArgumentException naming the node, e.g. {@code node 4: input 7 is out of range 0..3}, so
   *     that prefixing the cell's name makes a sentence
   */
  public DartsCell {
    if (edges.size() != EDGES) {
      throw new IllegalArgumentException("has " + edges.size() + " edges; a cell has " + EDGES
          + ", two for each of nodes " + FIRST_NODE + ".." + LAST_NODE);
    }
    edges = List.copyOf(edges);
    for (int node = FIRST_NODE; node <= LAST_NODE; node++) {
      List<DartsEdge> pair = edgesOf(edges, node);
      for (DartsEdge edge : pair) {
        if (edge.input() < 0 || edge.input() >= node) {
          throw new IllegalArgumentException(
              "node " + node + ": input " + edge.input() + " is out of range 0.." + (node - 1));
        }
      }
      if (pair.get(0).input() == pair.get(1).input()) {
        throw new IllegalArgumentException("node " + node + ": both inputs are node " + pair.get(0).input());
      }
    }
  }

  /** The intermediate node edge {@code edge} (0..7) feeds. */
  public static int nodeOf(int edge) {
    return FIRST_NODE + edge / EDGES_PER_NODE;
  }

  /** The two edges feeding {@code node} (2..5), in the cell's order. */
  public List<DartsEdge> edgesOf(int node) {
    return edgesOf(edges, node);
  }

  private static List<DartsEdge> edgesOf(List<DartsEdge> edges, int node) {
    int first = (node - FIRST_NODE) * EDGES_PER_NODE;
    return edges.subList(first, first + EDGES_PER_NODE);
  }

  /** This cell with edge {@code edge} replaced by {@code replacement}. */
  public DartsCell with(int edge, DartsEdge replacement) {
    List<DartsEdge> changed = new ArrayList<>(edges);
    changed.set(edge, replacement);
    return new DartsCell(changed);
  }

  /**
   * This cell with each node's edges ordered by input. A node sums its two edges (DARTS's {@code Cell.forward}),
   * so the two orders compute one function; no other rewriting is applied.
   */
  public DartsCell canonical() {
    List<DartsEdge> sorted = new ArrayList<>(EDGES);
    for (int node = FIRST_NODE; node <= LAST_NODE; node++) {
      edgesOf(node).stream().sorted(BY_INPUT).forEach(sorted::add);
    }
    return new DartsCell(sorted);
  }

  /**
   * How many cells there are up to the order of each node's edges: node k picks an unordered pair of distinct
   * inputs among its k predecessors, C(k, 2) ways, and an operation for each of its two edges, 7^2 ways, so
   * 1 * 3 * 6 * 10 * 7^8 = 1,037,664,180.
   */
  public static long count() {
    long count = 1;
    int operations = DartsOperation.values().length;
    for (int node = FIRST_NODE; node <= LAST_NODE; node++) {
      count *= (long) node * (node - 1) / 2 * operations * operations;
    }
    return count;
  }
}
