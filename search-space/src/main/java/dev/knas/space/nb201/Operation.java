package dev.knas.space.nb201;

import dev.knas.space.InputExcerpt;
import java.util.Arrays;
import java.util.stream.Collectors;

/** A NAS-Bench-201 edge operation, in the benchmark's op order (ordinal = op index 0..4). */
public enum Operation {
  NONE("none"),
  SKIP_CONNECT("skip_connect"),
  NOR_CONV_1X1("nor_conv_1x1"),
  NOR_CONV_3X3("nor_conv_3x3"),
  AVG_POOL_3X3("avg_pool_3x3");

  private final String benchmarkName;

  Operation(String benchmarkName) {
    this.benchmarkName = benchmarkName;
  }

  /** The name used in NAS-Bench-201 architecture strings. */
  public String benchmarkName() {
    return benchmarkName;
  }

  /** True for the two operations that own parameters (a convolution and its BatchNorm). */
  public boolean isConvolution() {
    return this == NOR_CONV_1X1 || this == NOR_CONV_3X3;
  }

  /** Kernel size of a convolution operation. */
  public int kernelSize() {
    return switch (this) {
      case NOR_CONV_1X1 -> 1;
      case NOR_CONV_3X3 -> 3;
      default -> throw new IllegalStateException(this + " is not a convolution");
    };
  }

  /** Looks an operation up by its benchmark name; the error lists the known names. */
  public static Operation fromBenchmarkName(String name) {
    for (Operation op : values()) {
      if (op.benchmarkName.equals(name)) {
        return op;
      }
    }
    throw new IllegalArgumentException(
        "unknown operation " + InputExcerpt.quoted(name) + "; known: " + knownNames());
  }

  static String knownNames() {
    return Arrays.stream(values()).map(Operation::benchmarkName).collect(Collectors.joining(", "));
  }
}
