package dev.knas.scoring.cache;

import com.google.protobuf.CodedOutputStream;
import dev.knas.v1.CacheKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The store key of a {@link CacheKey}: the hex SHA-256 of its deterministic protobuf serialisation. */
public final class CacheKeys {

  /** Layout version of CacheKey and CacheEntry. */
  public static final int FORMAT_VERSION = 1;
  private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

  private CacheKeys() {}

  public static String hash(CacheKey key) {
    try {
      // Straight into an array of the exact size: every request hashes its key, cache hits included.
      byte[] bytes = new byte[key.getSerializedSize()];
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      key.writeTo(out);
      out.checkNoSpaceLeft();
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** Whether {@code key} has the form of a key (64 lower-case hex digits). */
  public static boolean isWellFormed(String key) {
    return HEX_SHA256.matcher(key).matches();
  }
}
