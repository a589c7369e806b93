package dev.knas.space.nb201;

import com.google.auto.service.AutoService;
import dev.knas.space.SearchSpace;
import dev.knas.space.SpaceArchitecture;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * NAS-Bench-201's cell space as a {@link SearchSpace}: its forms are {@link Nb201Architecture}'s parsers, its
 * canonical form {@link CanonicalForm} and its hash {@link CanonicalHash}, so a request, a cache key and a route
 * are what they were before spaces were plug-ins. Sampling and mutation draw from the generator exactly as the
 * strategies always have, so a seeded search proposes the same architectures.
 */
@AutoService(SearchSpace.class)
public final class Nb201Space implements SearchSpace {

  public static final String NAME = "nb201";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return "nb201/1";
  }

  @Override
  public String description() {
    return "NAS-Bench-201's cell space (Dong and Yang, ICLR 2020): six edges of a four-node cell, each one of five"
        + " operations; cells that compute one network up to renaming nodes and parameters, unused parameters"
        + " not counted, share a canonical form";
  }

  @Override
  public BigInteger size() {
    return BigInteger.valueOf(Nb201Architecture.COUNT);
  }

  @Override
  public List<String> forms() {
    return List.of(
        "nb201 string: |op~0|+|op~0|op~1|+|op~0|op~1|op~2|, node i (1..3) listing one op~j per source j < i",
        "index: NAS-Bench-201's benchmark index, 0.." + (Nb201Architecture.COUNT - 1),
        "ops: six operation names separated by commas, in edge order " + edgeOrder() + ", each one of "
            + Operation.knownNames());
  }

  @Override
  public String example() {
    return Nb201Architecture.fromIndex(1).toBenchmarkString();
  }

  /** The ops form when {@code text} has a comma and no '|' (no string has one); else an index or a string. */
  @Override
  public Nb201Architecture parse(String text) {
    return text.contains(",") && !text.contains("|")
        ? Nb201Architecture.parseOps(text)
        : Nb201Architecture.fromIndexOrString(text);
  }

  @Override
  public Nb201Architecture canonical(SpaceArchitecture architecture) {
    return CanonicalForm.of(cell(architecture));
  }

  @Override
  public String canonicalHash(SpaceArchitecture architecture) {
    return CanonicalHash.of(cell(architecture));
  }

  /** A uniform benchmark index: one {@code nextInt(15625)}. */
  @Override
  public Nb201Architecture sample(RandomGenerator random) {
    return Nb201Architecture.fromIndex(random.nextInt(Nb201Architecture.COUNT));
  }

  /**
   * One uniformly chosen edge set to a different, uniformly chosen operation: {@code nextInt(6)} for the edge,
   * then {@code nextInt(4)} among the other operations in op order.
   */
  @Override
  public Nb201Architecture mutate(SpaceArchitecture architecture, RandomGenerator random) {
    List<Operation> ops = new ArrayList<>(cell(architecture).ops());
    int edge = random.nextInt(ops.size());
    List<Operation> others = new ArrayList<>(List.of(Operation.values()));
    others.remove(ops.get(edge));
    ops.set(edge, others.get(random.nextInt(others.size())));
    return new Nb201Architecture(ops);
  }

  /** In benchmark index order, 0..15624. */
  @Override
  public Optional<Stream<SpaceArchitecture>> enumerate() {
    return Optional.of(IntStream.range(0, Nb201Architecture.COUNT).mapToObj(Nb201Architecture::fromIndex));
  }

  private static Nb201Architecture cell(SpaceArchitecture architecture) {
    if (architecture instanceof Nb201Architecture cell) {
      return cell;
    }
    throw new IllegalArgumentException("an architecture of space '" + architecture.space() + "', not '" + NAME
        + "'");
  }

  private static String edgeOrder() {
    return String.join(", ", Edge.CANONICAL_ORDER.stream().map(Edge::toString).toList());
  }
}
