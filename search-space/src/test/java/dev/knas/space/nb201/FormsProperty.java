package dev.knas.space.nb201;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every architecture must satisfy whatever form it came in; the fuzz tests check it on each they build. */
final class FormsProperty {

  private FormsProperty() {}

  /**
   * The string, index and six-op forms convert into one another without loss, and the canonical form is a fixed
   * point in the same class, no larger than the architecture.
   */
  static void assertFormsAgree(Nb201Architecture arch) {
    String text = arch.toBenchmarkString();
    Nb201Architecture reparsed = Nb201Architecture.parse(text);
    assertEquals(arch, reparsed, text);
    assertEquals(text, reparsed.toBenchmarkString());
    assertEquals(arch, Nb201Architecture.fromIndexOrString(text), text);

    int index = arch.index();
    assertTrue(index >= 0 && index < Nb201Architecture.COUNT, text + " has index " + index);
    assertEquals(arch, Nb201Architecture.fromIndex(index), text);
    assertEquals(arch, Nb201Architecture.fromIndexOrString(Integer.toString(index)), text);

    assertEquals(arch, new Nb201Architecture(arch.ops()), text);
    for (int e = 0; e < Edge.CANONICAL_ORDER.size(); e++) {
      Edge edge = Edge.CANONICAL_ORDER.get(e);
      assertEquals(arch.ops().get(e), arch.op(edge.target(), edge.source()), text + " edge " + edge);
    }

    Nb201Architecture canonical = CanonicalForm.of(arch);
    assertEquals(canonical, CanonicalForm.of(canonical), "canonical form of " + text + " is not a fixed point");
    assertEquals(CanonicalForm.key(arch), CanonicalForm.key(canonical), text + " and its canonical form differ");
    assertTrue(compareOps(canonical, arch) <= 0, "canonical form of " + text + " is not its class's smallest");
  }

  /** Lexicographic order of the op indices, the order the canonical form is the smallest member in. */
  private static int compareOps(Nb201Architecture a, Nb201Architecture b) {
    for (int e = 0; e < a.ops().size(); e++) {
      int c = Integer.compare(a.ops().get(e).ordinal(), b.ops().get(e).ordinal());
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
