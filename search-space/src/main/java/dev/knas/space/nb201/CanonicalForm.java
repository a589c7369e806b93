package dev.knas.space.nb201;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical forms of NAS-Bench-201 cells: two cells have the same canonical form exactly when they compute the
 * same network up to renaming of nodes and parameters, counting as absent the parameters that can never
 * influence the output (they receive zero gradient forever, so they change neither the function nor any
 * gradient-based score). The canonical form of a class is its representative cell, the member whose six op
 * indices are lexicographically smallest, so a canonical form is itself an ordinary, buildable cell.
 *
 * <p>How: each cell is reduced to the expression its output node computes, and expressions are compared.
 * A node's value is a multiset of terms {@code pool^k(atom)}: k applications of {@code avg_pool_3x3} to an atom,
 * where an atom is the cell input or one parametric instance (one per convolution edge). The rules, each exact:
 * <ol>
 *   <li><b>{@code none}</b> contributes nothing; a node with no terms is the zero tensor.</li>
 *   <li><b>{@code skip_connect} is the identity</b>: it adds the source's terms. Chains of skips, and which node
 *       carries a sum, do not matter; nor does the order of nodes (isomorphic node orders are one network).</li>
 *   <li><b>{@code avg_pool_3x3} is linear</b>: pooling a sum is the sum of the pooled terms.</li>
 *   <li><b>A convolution creates a new instance</b> that owns that edge's parameters and takes the source's value
 *       as input. The same instance reached along two paths is one set of parameters used twice; two instances
 *       of the same shape are two sets. Multiplicities are kept (BatchNorm's eps makes BN(2z) differ from
 *       BN(z)).</li>
 *   <li><b>Shifts.</b> A convolution whose input is constant over positions and samples (zero, or made only of
 *       shifts) and whose output is then constant too — any kernel on a zero input, a 1x1 kernel on a constant —
 *       outputs exactly its BatchNorm shift: a <em>shift</em> atom. Its weights, its BatchNorm scale and its input
 *       never matter, so both kernels give the same atom. A convolution of a zero node is therefore NOT
 *       {@code none}: the shift still learns and still receives gradient. A 3x3 kernel on a non-zero constant is
 *       not a shift: its zero padding makes the border differ.</li>
 *   <li><b>Pooling a shift</b> (padded cells not counted) returns it unchanged.</li>
 *   <li><b>Dead parts.</b> Only the output node's expression counts, so an edge whose target never reaches the
 *       output contributes nothing.</li>
 * </ol>
 * Two expressions are the same when a renaming of instances maps one onto the other; the key tries every
 * renaming among instances of equal shape and keeps the smallest serialisation.
 */
public final class CanonicalForm {

  /** Each cell's representative, by position in the nested-loop enumeration (op indices as base-5 digits). */
  private static final Nb201Architecture[] REPRESENTATIVES = representatives();

  private CanonicalForm() {}

  /** The canonical form (class representative) of {@code cell}. */
  public static Nb201Architecture of(Nb201Architecture cell) {
    int position = 0;
    for (Operation op : cell.ops()) {
      position = position * Operation.values().length + op.ordinal();
    }
    return REPRESENTATIVES[position];
  }

  /**
   * The serialised output expression that identifies {@code cell}'s class: terms {@code k.ref} (k poolings of
   * atom {@code ref}: {@code x} the input, {@code iN} instance N) joined by {@code +}, then each instance as
   * {@code shift}, {@code c1(...)} or {@code c3(...)} with its input.
   */
  public static String key(Nb201Architecture cell) {
    Expression expression = Expression.of(cell);
    List<Instance> instances = expression.reachableInstances();
    instances.sort(Comparator.comparing(Instance::shape));
    String best = null;
    for (List<Instance> order : orderings(instances)) {
      String candidate = expression.serialise(order);
      if (best == null || candidate.compareTo(best) < 0) {
        best = candidate;
      }
    }
    return best;
  }

  private static Nb201Architecture[] representatives() {
    List<Nb201Architecture> cells = Nb201Architecture.enumerate();
    Map<String, Nb201Architecture> smallest = new HashMap<>();
    Nb201Architecture[] representatives = new Nb201Architecture[cells.size()];
    for (int i = 0; i < cells.size(); i++) {
      Nb201Architecture cell = cells.get(i);
      representatives[i] = smallest.computeIfAbsent(key(cell), k -> cell);
    }
    return representatives;
  }

  /** Every order of {@code sorted} that keeps instances of different shapes in shape order. */
  private static List<List<Instance>> orderings(List<Instance> sorted) {
    List<List<Instance>> result = new ArrayList<>();
    result.add(new ArrayList<>());
    int start = 0;
    while (start < sorted.size()) {
      int end = start;
      while (end < sorted.size() && sorted.get(end).shape().equals(sorted.get(start).shape())) {
        end++;
      }
      List<List<Instance>> groupOrders = permutations(sorted.subList(start, end));
      List<List<Instance>> extended = new ArrayList<>();
      for (List<Instance> prefix : result) {
        for (List<Instance> group : groupOrders) {
          List<Instance> order = new ArrayList<>(prefix);
          order.addAll(group);
          extended.add(order);
        }
      }
      result = extended;
      start = end;
    }
    return result;
  }

  private static List<List<Instance>> permutations(List<Instance> items) {
    if (items.size() <= 1) {
      return List.of(List.copyOf(items));
    }
    List<List<Instance>> result = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<Instance> rest = new ArrayList<>(items);
      Instance first = rest.remove(i);
      for (List<Instance> tail : permutations(rest)) {
        List<Instance> order = new ArrayList<>();
        order.add(first);
        order.addAll(tail);
        result.add(order);
      }
    }
    return result;
  }

  /** A parametric atom: a shift, or a convolution of kernel 1 or 3 applied to {@code input}. */
  private static final class Instance {
    final String kind;
    final Value input;
    String shape;

    Instance(String kind, Value input) {
      this.kind = kind;
      this.input = input;
    }

    boolean isShift() {
      return input == null;
    }

    /** The instance's structure with instance identities left out; equal shapes are the renaming candidates. */
    String shape() {
      if (shape == null) {
        shape = isShift() ? kind : kind + "(" + input.shape() + ")";
      }
      return shape;
    }
  }

  /** A term {@code pool^pools(atom)}; a null atom is the cell input. */
  private record Term(int pools, Instance atom) {}

  /** A multiset of terms: the value of a node. */
  private static final class Value {
    final Map<Term, Integer> terms = new HashMap<>();

    boolean isZero() {
      return terms.isEmpty();
    }

    boolean isConstant() {
      return terms.keySet().stream().allMatch(t -> t.atom() != null && t.atom().isShift());
    }

    void add(Term term, int count) {
      terms.merge(term, count, Integer::sum);
    }

    String shape() {
      TreeMap<String, Integer> parts = new TreeMap<>();
      terms.forEach((t, n) -> parts.merge(t.pools() + "." + (t.atom() == null ? "x" : t.atom().shape()), n,
          Integer::sum));
      return render(parts);
    }

    String serialise(Map<Instance, Integer> numbers) {
      TreeMap<String, Integer> parts = new TreeMap<>();
      terms.forEach((t, n) -> parts.merge(t.pools() + "." + (t.atom() == null ? "x" : "i" + numbers.get(t.atom())),
          n, Integer::sum));
      return render(parts);
    }

    private static String render(TreeMap<String, Integer> parts) {
      StringBuilder s = new StringBuilder("[");
      parts.forEach((part, n) -> s.append(n).append('*').append(part).append(' '));
      return s.append(']').toString();
    }
  }

  /** The output node's value of a cell. */
  private record Expression(Value output) {

    static Expression of(Nb201Architecture cell) {
      Value[] nodes = new Value[Nb201Architecture.NODES];
      nodes[0] = new Value();
      nodes[0].add(new Term(0, null), 1);
      for (int target = 1; target < nodes.length; target++) {
        nodes[target] = new Value();
        for (int source = 0; source < target; source++) {
          apply(cell.op(target, source), nodes[source], nodes[target]);
        }
      }
      return new Expression(nodes[nodes.length - 1]);
    }

    private static void apply(Operation op, Value in, Value out) {
      switch (op) {
        case NONE -> { }
        case SKIP_CONNECT -> in.terms.forEach(out::add);
        case AVG_POOL_3X3 -> in.terms.forEach((t, n) ->
            out.add(t.atom() != null && t.atom().isShift() ? t : new Term(t.pools() + 1, t.atom()), n));
        case NOR_CONV_1X1, NOR_CONV_3X3 -> {
          boolean shift = in.isZero() || in.isConstant() && op == Operation.NOR_CONV_1X1;
          Instance instance = shift ? new Instance("shift", null)
              : new Instance(op == Operation.NOR_CONV_1X1 ? "c1" : "c3", in);
          out.add(new Term(0, instance), 1);
        }
      }
    }

    /** The instances the output depends on, each once. */
    List<Instance> reachableInstances() {
      Map<Instance, Boolean> seen = new IdentityHashMap<>();
      List<Value> pending = new ArrayList<>(List.of(output));
      while (!pending.isEmpty()) {
        for (Term t : pending.remove(pending.size() - 1).terms.keySet()) {
          if (t.atom() != null && seen.put(t.atom(), Boolean.TRUE) == null && !t.atom().isShift()) {
            pending.add(t.atom().input);
          }
        }
      }
      return new ArrayList<>(seen.keySet());
    }

    String serialise(List<Instance> order) {
      Map<Instance, Integer> numbers = new IdentityHashMap<>();
      for (int i = 0; i < order.size(); i++) {
        numbers.put(order.get(i), i);
      }
      StringBuilder s = new StringBuilder("out=").append(output.serialise(numbers));
      for (Instance instance : order) {
        s.append("; i").append(numbers.get(instance)).append('=').append(instance.kind);
        if (!instance.isShift()) {
          s.append('(').append(instance.input.serialise(numbers)).append(')');
        }
      }
      return s.toString();
    }
  }
}
