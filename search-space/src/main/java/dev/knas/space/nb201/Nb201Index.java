package dev.knas.space.nb201;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;

/**
 * NAS-Bench-201's architecture numbering. The benchmark enumerates the 15,625 cells in nested-loop order (first
 * edge outermost) and then applies Python's {@code random.seed(88); random.shuffle(list)}. CPython seeds its
 * Mersenne Twister with {@code init_by_array([88])} (Commons Math's {@code setSeed(int[])}) and shuffles with
 * {@code _randbelow}, i.e. rejection sampling over {@code getrandbits(bit_length(n))} (Commons Math's
 * {@code next(bits)}); reproducing both reproduces the benchmark's indices exactly.
 */
final class Nb201Index {

  private static final int PYTHON_SHUFFLE_SEED = 88;

  private static final List<Nb201Architecture> BY_INDEX = shuffledEnumeration();
  private static final Map<Nb201Architecture, Integer> INDEX_OF = invert(BY_INDEX);

  private Nb201Index() {}

  static Nb201Architecture architectureAt(int index) {
    if (index < 0 || index >= Nb201Architecture.COUNT) {
      throw new IllegalArgumentException(
          "NAS-Bench-201 index " + index + " is out of range 0.." + (Nb201Architecture.COUNT - 1));
    }
    return BY_INDEX.get(index);
  }

  static int indexOf(Nb201Architecture architecture) {
    return INDEX_OF.get(architecture);
  }

  private static List<Nb201Architecture> shuffledEnumeration() {
    List<Nb201Architecture> archs = Nb201Architecture.enumerate();
    PythonRandom random = new PythonRandom(PYTHON_SHUFFLE_SEED);
    for (int i = archs.size() - 1; i > 0; i--) {
      Collections.swap(archs, i, random.randBelow(i + 1));
    }
    return List.copyOf(archs);
  }

  private static Map<Nb201Architecture, Integer> invert(List<Nb201Architecture> archs) {
    Map<Nb201Architecture, Integer> index = new HashMap<>(archs.size() * 2);
    for (int i = 0; i < archs.size(); i++) {
      index.put(archs.get(i), i);
    }
    return Map.copyOf(index);
  }

  /** The two pieces of CPython's {@code random} module the benchmark's shuffle uses. */
  private static final class PythonRandom extends MersenneTwister {
    PythonRandom(int seed) {
      super(new int[] {seed});
    }

    /** CPython's {@code _randbelow_with_getrandbits(n)} for n < 2^31. */
    int randBelow(int n) {
      int bits = 32 - Integer.numberOfLeadingZeros(n);
      int r = next(bits);
      while (r >= n) {
        r = next(bits);
      }
      return r;
    }
  }
}
