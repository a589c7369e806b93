package dev.knas.space.nb201;

import java.util.HashMap;
import java.util.Map;

/**
 * How the 15,625 NAS-Bench-201 strings fall into canonical classes ({@link CanonicalForm}).
 *
 * @param architectures strings in the space
 * @param canonicalClasses distinct canonical forms
 * @param singletonClasses classes with exactly one string
 * @param largestClass strings in the largest class
 * @param largestClassCanonical that class's canonical form
 */
public record SpaceStatistics(int architectures, int canonicalClasses, int singletonClasses, int largestClass,
    String largestClassCanonical) {

  /** Canonicalises every architecture of the space. */
  public static SpaceStatistics nb201() {
    Map<Nb201Architecture, Integer> sizes = new HashMap<>();
    for (int i = 0; i < Nb201Architecture.COUNT; i++) {
      sizes.merge(CanonicalForm.of(Nb201Architecture.fromIndex(i)), 1, Integer::sum);
    }
    // Ties go to the class whose canonical form has the smaller index, so the answer never depends on hashing.
    Map.Entry<Nb201Architecture, Integer> largest = sizes.entrySet().stream()
        .max(Map.Entry.<Nb201Architecture, Integer>comparingByValue()
            .thenComparing(e -> -e.getKey().index()))
        .orElseThrow();
    int singletons = (int) sizes.values().stream().filter(size -> size == 1).count();
    return new SpaceStatistics(Nb201Architecture.COUNT, sizes.size(), singletons, largest.getValue(),
        largest.getKey().toBenchmarkString());
  }
}
