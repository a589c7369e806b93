package dev.knas.space.nb201;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes the index and six-op forms of an architecture. An input's first four bytes are the index (big-endian,
 * missing bytes read as 0); every further byte is one edge operation, its value mod 6 being the op index, 5
 * standing for a missing (null) op. Seeds in {@code ArchitectureIndexFuzzTestInputs/} follow that layout.
 */
class ArchitectureIndexFuzzTest {

  private static final int MISSING_OP = Operation.values().length;

  /**
   * Every int is a valid index or refused naming the range, as a number or as typed text; every list of ops is a
   * cell or refused; what is accepted survives every conversion between the forms. Shorter than the other fuzz
   * tests: an int and a few op bytes are all there is to explore, and a few seconds reach every branch.
   */
  @FuzzTest(maxDuration = "10s")
  void indexAndOpFormsConvertBothWays(byte[] input) {
    ByteBuffer bytes = ByteBuffer.wrap(Arrays.copyOf(input, Math.max(Integer.BYTES, input.length)));
    int index = bytes.getInt();
    boolean inRange = index >= 0 && index < Nb201Architecture.COUNT;
    Optional<Nb201Architecture> byIndex = fromIndex(index);
    assertEquals(inRange, byIndex.isPresent(), "index " + index);
    byIndex.ifPresent(arch -> {
      assertEquals(index, arch.index());
      FormsProperty.assertFormsAgree(arch);
    });
    // The contract's nb201_index is a uint32: its decimal text means the same as the number.
    assertEquals(byIndex, fromIndexOrString(Integer.toUnsignedString(index)), "index text " + index);

    List<Operation> ops = new ArrayList<>();
    while (bytes.hasRemaining()) {
      int op = Byte.toUnsignedInt(bytes.get()) % (MISSING_OP + 1);
      ops.add(op == MISSING_OP ? null : Operation.values()[op]);
    }
    boolean isCell = ops.size() == Edge.CANONICAL_ORDER.size() && !ops.contains(null);
    Optional<Nb201Architecture> bySixOps = fromOps(ops);
    assertEquals(isCell, bySixOps.isPresent(), ops.toString());
    bySixOps.ifPresent(arch -> {
      assertEquals(ops, arch.ops());
      FormsProperty.assertFormsAgree(arch);
    });
  }

  private static Optional<Nb201Architecture> fromIndex(int index) {
    try {
      return Optional.of(Nb201Architecture.fromIndex(index));
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("0.." + (Nb201Architecture.COUNT - 1)), e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<Nb201Architecture> fromIndexOrString(String text) {
    try {
      return Optional.of(Nb201Architecture.fromIndexOrString(text));
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("0.." + (Nb201Architecture.COUNT - 1)), e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<Nb201Architecture> fromOps(List<Operation> ops) {
    try {
      return Optional.of(new Nb201Architecture(ops));
    } catch (IllegalArgumentException e) {
      assertFalse(e.getMessage().isBlank());
      return Optional.empty();
    }
  }
}
