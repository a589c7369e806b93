package dev.knas.space.darts;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The seven operations an edge of a DARTS cell may carry: DARTS's {@code PRIMITIVES} without {@code none} (a
 * derived cell keeps no zero edge), declared in NASLib's {@code OPS} order
 * ({@code naslib/search_spaces/nasbench301/conversions.py}), so that {@link #ordinal()} is the op index of
 * NASLib's compact form.
 */
public enum DartsOperation {
  MAX_POOL_3X3("max_pool_3x3"),
  AVG_POOL_3X3("avg_pool_3x3"),
  SKIP_CONNECT("skip_connect"),
  SEP_CONV_3X3("sep_conv_3x3"),
  SEP_CONV_5X5("sep_conv_5x5"),
  DIL_CONV_3X3("dil_conv_3x3"),
  DIL_CONV_5X5("dil_conv_5x5");

  private static final DartsOperation[] BY_INDEX = values();

  private final String spelling;

  DartsOperation(String spelling) {
    this.spelling = spelling;
  }

  /** The name DARTS's genotypes write, e.g. {@code sep_conv_3x3}. */
  public String spelling() {
    return spelling;
  }

  /** The operation DARTS spells {@code spelling}, if any. */
  public static Optional<DartsOperation> spelled(String spelling) {
    return Arrays.stream(BY_INDEX).filter(op -> op.spelling.equals(spelling)).findFirst();
  }

  /** The operation of NASLib's compact op index {@code index}, if it is one (0..6). */
  public static Optional<DartsOperation> ofCompactIndex(int index) {
    return index >= 0 && index < BY_INDEX.length ? Optional.of(BY_INDEX[index]) : Optional.empty();
  }

  /** Every spelling in compact-index order, comma-separated, for messages. */
  public static String spellings() {
    return Arrays.stream(BY_INDEX).map(DartsOperation::spelling).collect(Collectors.joining(", "));
  }
}
