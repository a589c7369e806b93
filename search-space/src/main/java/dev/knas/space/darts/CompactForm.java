package dev.knas.space.darts;

import dev.knas.space.InputExcerpt;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * NASLib's compact form ({@code naslib/search_spaces/nasbench301/conversions.py}, after Li and Talwalkar and
 * BANANAS): {@code (normal, reduce)}, each eight {@code (input node, op index)} pairs in node order, op indices in
 * {@link DartsOperation}'s order. NAS-Bench-301's data and NAS-Bench-Suite-Zero key architectures by its Python
 * text; lists and tuples are read alike, as NASLib turns one into the other.
 */
final class CompactForm {

  private static final List<String> CELLS = List.of("normal", "reduce");

  private CompactForm() {}

  /** The architecture {@code compact}, a pair of cells, writes. */
  static DartsArchitecture read(PythonLiteral.Sequence compact) {
    if (compact.items().size() != CELLS.size()) {
      throw new IllegalArgumentException("compact: expected two cells (normal, reduce), found "
          + compact.items().size());
    }
    return DartsArchitecture.of(edges(CELLS.get(0), compact.items().get(0)),
        edges(CELLS.get(1), compact.items().get(1)));
  }

  /** {@code architecture} as Python prints NASLib's compact tuple. */
  static String write(DartsArchitecture architecture) {
    return "(" + write(architecture.normal()) + ", " + write(architecture.reduce()) + ")";
  }

  private static String write(DartsCell cell) {
    return cell.edges().stream()
        .map(edge -> "(" + edge.input() + ", " + edge.operation().ordinal() + ")")
        .collect(Collectors.joining(", ", "(", ")"));
  }

  private static List<DartsEdge> edges(String cellName, PythonLiteral cell) {
    if (!(cell instanceof PythonLiteral.Sequence sequence)) {
      throw new IllegalArgumentException(cellName + ": expected " + DartsCell.EDGES
          + " (input node, op index) pairs, found " + InputExcerpt.quoted(cell.source()));
    }
    List<DartsEdge> edges = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      edges.add(edge(cellName + "[" + i + "]", sequence.items().get(i)));
    }
    return edges;
  }

  private static DartsEdge edge(String position, PythonLiteral pair) {
    if (!(pair instanceof PythonLiteral.Sequence sequence) || sequence.items().size() != 2
        || !(sequence.items().get(0) instanceof PythonLiteral.Number input)
        || !(sequence.items().get(1) instanceof PythonLiteral.Number opIndex)) {
      throw new IllegalArgumentException(position + ": expected a pair (input node, op index), found "
          + InputExcerpt.quoted(pair.source()));
    }
    DartsOperation op = DartsOperation.ofCompactIndex(opIndex.value()).orElseThrow(() ->
        new IllegalArgumentException(position + ": op index " + opIndex.value() + " is out of range 0.."
            + (DartsOperation.values().length - 1)));
    return new DartsEdge(op, input.value());
  }
}
