package dev.knas.space.nb201;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The canonical-architecture hash: lower-case hex SHA-256 of the UTF-8 benchmark string of a cell's canonical
 * form. Equivalent cells share it, and the service keys its cache by the same canonical form, so clients route
 * requests by it and each replica of the service owns one shard of the cache.
 */
public final class CanonicalHash {

  private CanonicalHash() {}

  public static String of(Nb201Architecture cell) {
    try {
      byte[] canonical = CanonicalForm.of(cell).toBenchmarkString().getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
