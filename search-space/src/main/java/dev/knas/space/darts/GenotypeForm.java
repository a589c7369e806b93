package dev.knas.space.darts;

import dev.knas.space.InputExcerpt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * DARTS's genotype form, the namedtuple {@code Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=[2, 3,
 * 4, 5], reduce=[...], reduce_concat=[2, 3, 4, 5])} of DARTS's {@code cnn/genotypes.py}: per cell eight
 * (operation, input node) pairs in node order, and the nodes the cell's output concatenates.
 */
final class GenotypeForm {

  /** The namedtuple's name, which the text starts with. */
  static final String NAME = "Genotype";

  private static final List<String> FIELDS = List.of("normal", "normal_concat", "reduce", "reduce_concat");

  /** The only concatenation in the space: every intermediate node, as NASLib's conversions always write. */
  private static final List<Integer> CONCAT = List.of(2, 3, 4, 5);

  private static final String CONCAT_TEXT = "[2, 3, 4, 5]";

  private GenotypeForm() {}

  /** The architecture {@code genotype}, a call of {@link #NAME}, writes; positional fields as the namedtuple. */
  static DartsArchitecture read(PythonLiteral.Call genotype) {
    Map<String, PythonLiteral> fields = fields(genotype);
    List<DartsEdge> normal = edges("normal", fields.get("normal"));
    concat("normal_concat", fields.get("normal_concat"));
    List<DartsEdge> reduce = edges("reduce", fields.get("reduce"));
    concat("reduce_concat", fields.get("reduce_concat"));
    return DartsArchitecture.of(normal, reduce);
  }

  /** {@code architecture} as DARTS's {@code genotypes.py} writes a genotype. */
  static String write(DartsArchitecture architecture) {
    return NAME + "(normal=" + write(architecture.normal()) + ", normal_concat=" + CONCAT_TEXT
        + ", reduce=" + write(architecture.reduce()) + ", reduce_concat=" + CONCAT_TEXT + ")";
  }

  private static String write(DartsCell cell) {
    return cell.edges().stream()
        .map(edge -> "('" + edge.operation().spelling() + "', " + edge.input() + ")")
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static Map<String, PythonLiteral> fields(PythonLiteral.Call genotype) {
    if (genotype.arguments().size() > FIELDS.size()) {
      throw new IllegalArgumentException("genotype: " + genotype.arguments().size() + " fields; " + NAME + " has "
          + String.join(", ", FIELDS));
    }
    Map<String, PythonLiteral> fields = new HashMap<>();
    for (int i = 0; i < genotype.arguments().size(); i++) {
      fields.put(FIELDS.get(i), genotype.arguments().get(i));
    }
    for (Map.Entry<String, PythonLiteral> keyword : genotype.keywords().entrySet()) {
      if (!FIELDS.contains(keyword.getKey())) {
        throw new IllegalArgumentException("genotype: unknown field " + InputExcerpt.quoted(keyword.getKey())
            + "; fields: " + String.join(", ", FIELDS));
      }
      if (fields.put(keyword.getKey(), keyword.getValue()) != null) {
        throw new IllegalArgumentException("genotype: field '" + keyword.getKey() + "' given twice");
      }
    }
    for (String field : FIELDS) {
      if (!fields.containsKey(field)) {
        throw new IllegalArgumentException("genotype: missing field '" + field + "'");
      }
    }
    return fields;
  }

  /** Accepts [2, 3, 4, 5], as a list or tuple, or {@code range(2, 6)}, which DARTS's search writes. */
  private static void concat(String field, PythonLiteral concat) {
    List<Integer> nodes = new ArrayList<>();
    if (concat instanceof PythonLiteral.Sequence sequence) {
      for (PythonLiteral item : sequence.items()) {
        nodes.add(item instanceof PythonLiteral.Number number ? number.value() : null);
      }
    } else if (concat instanceof PythonLiteral.Call call && call.name().equals("range")
        && call.keywords().isEmpty() && call.arguments().size() == 2
        && call.arguments().get(0) instanceof PythonLiteral.Number from
        && call.arguments().get(1) instanceof PythonLiteral.Number to) {
      for (int node = from.value(); node < to.value() && nodes.size() <= CONCAT.size(); node++) {
        nodes.add(node);
      }
    }
    if (!nodes.equals(CONCAT)) {
      throw new IllegalArgumentException(field + ": only " + CONCAT_TEXT + " (every intermediate node) is in this "
          + "space, found " + InputExcerpt.quoted(concat.source()));
    }
  }

  private static List<DartsEdge> edges(String field, PythonLiteral cell) {
    if (!(cell instanceof PythonLiteral.Sequence sequence)) {
      throw new IllegalArgumentException(field + ": expected a list of " + DartsCell.EDGES
          + " (operation, input node) pairs, found " + InputExcerpt.quoted(cell.source()));
    }
    List<DartsEdge> edges = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      edges.add(edge(field + "[" + i + "]", sequence.items().get(i)));
    }
    return edges;
  }

  private static DartsEdge edge(String position, PythonLiteral pair) {
    if (!(pair instanceof PythonLiteral.Sequence sequence) || sequence.items().size() != 2
        || !(sequence.items().get(0) instanceof PythonLiteral.Text operation)
        || !(sequence.items().get(1) instanceof PythonLiteral.Number input)) {
      throw new IllegalArgumentException(position + ": expected a pair ('operation', input node), found "
          + InputExcerpt.quoted(pair.source()));
    }
    DartsOperation op = DartsOperation.spelled(operation.value()).orElseThrow(() -> new IllegalArgumentException(
        position + ": unknown operation " + InputExcerpt.quoted(operation.value()) + "; known: "
            + DartsOperation.spellings()));
    return new DartsEdge(op, input.value());
  }
}
