package dev.knas.space.nb201;

import dev.knas.space.Sha256Hex;

/**
 * The canonical-architecture hash: lower-case hex SHA-256 of the UTF-8 benchmark string of a cell's canonical
 * form. Equivalent cells share it, and the service keys its cache by the same canonical form, so clients route
 * requests by it and each replica of the service owns one shard of the cache.
 */
public final class CanonicalHash {

  private CanonicalHash() {}

  public static String of(Nb201Architecture cell) {
    return Sha256Hex.of(CanonicalForm.of(cell).toBenchmarkString());
  }
}
