package dev.knas.space.nb201;

import dev.knas.space.InputExcerpt;
import dev.knas.space.SpaceArchitecture;
import java.util.ArrayList;
import java.util.List;

/**
 * A NAS-Bench-201 cell: one operation per edge, in {@link Edge#CANONICAL_ORDER}. Immutable; the three forms a
 * caller may hold (benchmark string, six ops, benchmark index) all resolve to this.
 */
public record Nb201Architecture(List<Operation> ops) implements SpaceArchitecture {

  /** Number of architectures in the space: five operations on each of six edges. */
  public static final int COUNT = 15_625;

  /** Number of nodes of a cell; node 0 is the input, node 3 the output. */
  public static final int NODES = 4;

  public Nb201Architecture {
    requireOneOpPerEdge(ops.size());
    for (int e = 0; e < ops.size(); e++) {
      if (ops.get(e) == null) {
        throw new IllegalArgumentException("edge " + Edge.CANONICAL_ORDER.get(e) + " has no operation");
      }
    }
    ops = List.copyOf(ops);
  }

  private static void requireOneOpPerEdge(int count) {
    if (count != Edge.CANONICAL_ORDER.size()) {
      throw new IllegalArgumentException(
          "a cell has exactly " + Edge.CANONICAL_ORDER.size() + " edge operations, got " + count);
    }
  }

  /** Every edge the same operation (e.g. the all-{@code nor_conv_3x3} network). */
  public static Nb201Architecture uniform(Operation op) {
    return new Nb201Architecture(List.of(op, op, op, op, op, op));
  }

  /** The operation on the edge {@code target <- source}. */
  public Operation op(int target, int source) {
    return ops.get(Edge.CANONICAL_ORDER.indexOf(new Edge(target, source)));
  }

  /**
   * Parses the benchmark string form, e.g. {@code |nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|...|}.
   * Node i (1..3) lists one {@code op~j} per source j < i, in any order. Errors name the offending part.
   */
  public static Nb201Architecture parse(String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("architecture string is empty");
    }
    String[] nodes = trimmed.split("\\+", -1);
    if (nodes.length != NODES - 1) {
      throw new IllegalArgumentException(
          "architecture string must have " + (NODES - 1) + " nodes separated by '+', found " + nodes.length
              + " in " + InputExcerpt.quoted(trimmed));
    }
    Operation[] ops = new Operation[Edge.CANONICAL_ORDER.size()];
    for (int target = 1; target < NODES; target++) {
      String node = nodes[target - 1];
      if (!node.startsWith("|") || !node.endsWith("|") || node.length() < 2) {
        throw new IllegalArgumentException("node " + target + " " + InputExcerpt.quoted(node)
            + " must be written |op~j|...|");
      }
      String[] edges = node.substring(1, node.length() - 1).split("\\|", -1);
      if (edges.length != target) {
        throw new IllegalArgumentException(
            "node " + target + " " + InputExcerpt.quoted(node) + " must have " + target + " incoming edge(s), found "
                + edges.length);
      }
      for (String edge : edges) {
        int tilde = edge.lastIndexOf('~');
        if (tilde < 0) {
          throw new IllegalArgumentException("edge " + InputExcerpt.quoted(edge) + " of node " + target
              + " must be written op~j");
        }
        String sourceText = edge.substring(tilde + 1);
        // One ASCII digit: parseInt alone would also take "-0", "00" and other scripts' digits.
        if (!sourceText.matches("[0-9]")) {
          throw new IllegalArgumentException("edge " + InputExcerpt.quoted(edge) + " of node " + target
              + " must name its source node 0.." + (target - 1) + " after '~'");
        }
        int source = sourceText.charAt(0) - '0';
        if (source >= target) {
          throw new IllegalArgumentException("edge " + InputExcerpt.quoted(edge) + " of node " + target
              + " has source " + source + ", must be 0.." + (target - 1));
        }
        int slot = Edge.CANONICAL_ORDER.indexOf(new Edge(target, source));
        if (ops[slot] != null) {
          throw new IllegalArgumentException("node " + target + " lists source " + source + " twice");
        }
        try {
          ops[slot] = Operation.fromBenchmarkName(edge.substring(0, tilde));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("edge " + target + "<-" + source + ": " + e.getMessage());
        }
      }
    }
    return new Nb201Architecture(List.of(ops));
  }

  /**
   * Parses the six-op form: operation names in {@link Edge#CANONICAL_ORDER} separated by commas, e.g.
   * {@code nor_conv_3x3, nor_conv_3x3, avg_pool_3x3, skip_connect, nor_conv_3x3, skip_connect}. Errors name the
   * offending edge.
   */
  public static Nb201Architecture parseOps(String text) {
    String[] names = text.split(",", -1);
    requireOneOpPerEdge(names.length);
    List<Operation> ops = new ArrayList<>(names.length);
    for (int e = 0; e < names.length; e++) {
      try {
        ops.add(Operation.fromBenchmarkName(names[e].strip()));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("edge " + Edge.CANONICAL_ORDER.get(e) + ": " + ex.getMessage());
      }
    }
    return new Nb201Architecture(ops);
  }

  /** What a person types: a benchmark index (digits only) or a benchmark string. */
  public static Nb201Architecture fromIndexOrString(String text) {
    String t = text.strip();
    if (!t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return fromIndex(Integer.parseInt(t));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("NAS-Bench-201 index " + InputExcerpt.of(t, InputExcerpt.QUOTE)
            + " is out of range 0.." + (COUNT - 1));
      }
    }
    return parse(t);
  }

  /** The benchmark string form. */
  public String toBenchmarkString() {
    StringBuilder s = new StringBuilder();
    for (int target = 1; target < NODES; target++) {
      if (target > 1) {
        s.append('+');
      }
      s.append('|');
      for (int source = 0; source < target; source++) {
        s.append(op(target, source).benchmarkName()).append('~').append(source).append('|');
      }
    }
    return s.toString();
  }

  /** The benchmark index of this architecture (0..15624). */
  public int index() {
    return Nb201Index.indexOf(this);
  }

  /** The architecture with benchmark index {@code index}; out of range is an error naming the range. */
  public static Nb201Architecture fromIndex(int index) {
    return Nb201Index.architectureAt(index);
  }

  /** All five-way choices of six edges in nested-loop order, the first edge outermost. */
  static List<Nb201Architecture> enumerate() {
    Operation[] all = Operation.values();
    int count = (int) Math.pow(all.length, Edge.CANONICAL_ORDER.size());
    List<Nb201Architecture> result = new ArrayList<>(count);
    for (int code = 0; code < count; code++) {
      Operation[] ops = new Operation[Edge.CANONICAL_ORDER.size()];
      int rest = code;
      for (int e = ops.length - 1; e >= 0; e--) {
        ops[e] = all[rest % all.length];
        rest /= all.length;
      }
      result.add(new Nb201Architecture(List.of(ops)));
    }
    return result;
  }

  @Override
  public String space() {
    return Nb201Space.NAME;
  }

  /** The benchmark string form, the space's first. */
  @Override
  public String text() {
    return toBenchmarkString();
  }

  @Override
  public String toString() {
    return toBenchmarkString();
  }
}
