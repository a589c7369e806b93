package dev.knas.space.darts;

import com.google.auto.service.AutoService;
import dev.knas.space.InputExcerpt;
import dev.knas.space.SearchSpace;
import dev.knas.space.Sha256Hex;
import dev.knas.space.SpaceArchitecture;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * The DARTS search space (Liu et al., "DARTS: Differentiable Architecture Search", ICLR 2019), which
 * NAS-Bench-301 covers with a surrogate: a normal and a reduction cell of four nodes, each node summing two
 * edges from two different earlier nodes, each edge one of seven operations. Sampling and mutation follow
 * NASLib's {@code NasBench301SearchSpace} ({@code naslib/search_spaces/nasbench301/graph.py}).
 */
@AutoService(SearchSpace.class)
public final class DartsSpace implements SearchSpace {

  public static final String NAME = "darts";

  /** The architecture {@link #example} writes: DARTS_V2, the cell of DARTS's paper. */
  static final String DARTS_V2 = "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0),"
      + " ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)],"
      + " normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2),"
      + " ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)],"
      + " reduce_concat=[2, 3, 4, 5])";

  private static final int OPERATIONS = DartsOperation.values().length;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return "darts/1";
  }

  @Override
  public String description() {
    return "The DARTS cell space of NAS-Bench-301 (Liu et al., ICLR 2019): a normal and a reduction cell, each of"
        + " four nodes summing two edges from two different earlier nodes, seven operations; its canonical form"
        + " knows that a node's two edges may be listed in either order, and no other equivalence.";
  }

  /**
   * {@link DartsCell#count} squared, one count for the normal cell and one for the reduction cell: architectures
   * up to the order of each node's two edges, the classes {@link #canonical} tells apart.
   */
  @Override
  public BigInteger size() {
    return BigInteger.valueOf(DartsCell.count()).pow(2);
  }

  @Override
  public List<String> forms() {
    return List.of(
        "genotype: DARTS's " + GenotypeForm.NAME + "(normal=[('sep_conv_3x3', 0), ...], normal_concat=[2, 3, 4, 5],"
            + " reduce=[...], reduce_concat=[2, 3, 4, 5]), eight (operation, input node) pairs per cell, two per"
            + " node 2..5 in order; concat may also be range(2, 6)",
        "compact: NASLib's ((normal), (reduce)), eight (input node, op index) pairs per cell, op indices "
            + DartsOperation.spellings() + " = 0..6; lists or tuples");
  }

  @Override
  public String example() {
    return DARTS_V2;
  }

  @Override
  public DartsArchitecture parse(String text) {
    PythonLiteral literal = PythonLiteralReader.read(text);
    if (literal instanceof PythonLiteral.Call call && call.name().equals(GenotypeForm.NAME)) {
      return GenotypeForm.read(call);
    }
    if (literal instanceof PythonLiteral.Sequence sequence) {
      return CompactForm.read(sequence);
    }
    throw new IllegalArgumentException("expected " + GenotypeForm.NAME + "(...) or a compact ((...), (...)), found "
        + InputExcerpt.quoted(literal.source()));
  }

  @Override
  public DartsArchitecture canonical(SpaceArchitecture architecture) {
    return darts(architecture).canonical();
  }

  /** SHA-256 of "darts:" and the canonical architecture's genotype text, so no other space's hash can equal it. */
  @Override
  public String canonicalHash(SpaceArchitecture architecture) {
    return Sha256Hex.of(NAME + ":" + canonical(architecture).text());
  }

  /**
   * NASLib's {@code sample_random_architecture}: per node two different inputs drawn without replacement and two
   * operations drawn independently, all uniform. Each unordered node arises from its two orders alike, so the
   * canonical form returned is uniform over the {@link #size} architectures.
   */
  @Override
  public DartsArchitecture sample(RandomGenerator random) {
    return new DartsArchitecture(sampleCell(random), sampleCell(random)).canonical();
  }

  private static DartsCell sampleCell(RandomGenerator random) {
    List<DartsEdge> edges = new ArrayList<>(DartsCell.EDGES);
    for (int node = DartsCell.FIRST_NODE; node <= DartsCell.LAST_NODE; node++) {
      int first = random.nextInt(node);
      int second = random.nextInt(node - 1);
      if (second >= first) {
        second++;
      }
      edges.add(new DartsEdge(DartsOperation.values()[random.nextInt(OPERATIONS)], first));
      edges.add(new DartsEdge(DartsOperation.values()[random.nextInt(OPERATIONS)], second));
    }
    return new DartsCell(edges);
  }

  /**
   * NASLib's {@code mutate} with mutation rate 1: draw a cell, one of its edges and whether to change its
   * operation or its input, then a new value uniformly (an input among the node's predecessors); redraw
   * everything until the value is new and the edge's input differs from its sibling's. Exactly one edge changes,
   * in place, and since a node's edges keep distinct inputs, the result is never equivalent to its parent.
   */
  @Override
  public DartsArchitecture mutate(SpaceArchitecture architecture, RandomGenerator random) {
    DartsArchitecture parent = darts(architecture);
    while (true) {
      boolean normal = random.nextBoolean();
      DartsCell cell = normal ? parent.normal() : parent.reduce();
      int edge = random.nextInt(DartsCell.EDGES);
      DartsEdge old = cell.edges().get(edge);
      DartsEdge changed;
      if (random.nextBoolean()) {
        changed = new DartsEdge(DartsOperation.values()[random.nextInt(OPERATIONS)], old.input());
      } else {
        int sibling = cell.edges().get(edge ^ 1).input(); // a node's edges are 2j and 2j+1
        int input = random.nextInt(DartsCell.nodeOf(edge));
        changed = input == sibling ? old : new DartsEdge(old.operation(), input);
      }
      if (!changed.equals(old)) {
        DartsCell mutated = cell.with(edge, changed);
        return normal ? new DartsArchitecture(mutated, parent.reduce()) : new DartsArchitecture(parent.normal(),
            mutated);
      }
    }
  }

  /** Empty: at about 10^18 architectures the space is far too large to list. */
  @Override
  public Optional<Stream<SpaceArchitecture>> enumerate() {
    return Optional.empty();
  }

  private static DartsArchitecture darts(SpaceArchitecture architecture) {
    if (architecture instanceof DartsArchitecture darts) {
      return darts;
    }
    throw new IllegalArgumentException("an architecture of space '" + architecture.space() + "', not '" + NAME
        + "'");
  }
}
