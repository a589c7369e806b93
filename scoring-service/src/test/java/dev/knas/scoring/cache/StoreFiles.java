package dev.knas.scoring.cache;

import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheKey;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Stores written on disk for damage tests, and the damage: garbled bytes, cut files, crash images. */
public final class StoreFiles {

  private StoreFiles() {}

  /** {@code n} distinct entries about the size of a gradient-kernel entry (50 sample indices). */
  public static List<CacheEntry> entries(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> {
      CacheKey key = CacheKey.newBuilder().setFormatVersion(1).setCanonicalArchitecture(prefix + i)
          .setDataset("synthetic").setNumSamples(50).build();
      CacheEntry.Builder entry = CacheEntry.newBuilder().setFormatVersion(1).setKey(CacheKeys.hash(key))
          .setKeyFields(key).setValue(i + 0.5);
      IntStream.range(0, 50).forEach(s -> entry.addSampleIndices(1000 * i + s));
      return entry.build();
    }).toList();
  }

  /**
   * Writes {@code batches} into the store in {@code dir}, reopening after each: RocksDB moves what its
   * write-ahead log holds into a table file when it opens, so each batch ends in a table file of its own.
   */
  @SafeVarargs
  public static void writeTables(Path dir, List<CacheEntry>... batches) {
    for (List<CacheEntry> batch : batches) {
      try (ScoreStore store = ScoreStore.open(dir)) {
        batch.forEach(store::put);
      }
      ScoreStore.open(dir).close();
    }
  }

  /** The store's files ending in {@code suffix} (".sst", ".log"), oldest first. */
  public static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  /** Flips every bit of {@code length} bytes of {@code file} from {@code offset}. */
  public static void garble(Path file, long offset, int length) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] bytes = new byte[length];
      raf.seek(offset);
      raf.readFully(bytes);
      for (int i = 0; i < length; i++) {
        bytes[i] = (byte) ~bytes[i];
      }
      raf.seek(offset);
      raf.write(bytes);
    }
  }

  /** Cuts {@code bytes} off the end of {@code file}. */
  public static void cut(Path file, long bytes) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() - bytes);
    }
  }

  /** Every file of {@code dir} by name, with the SHA-256 of its bytes: equal snapshots mean nothing changed. */
  public static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    for (Path file : files(dir, "")) {
      try {
        files.put(file.getFileName().toString(),
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return files;
  }

  /** Replaces the contents of {@code file} by as many zero bytes. */
  public static void zeroFill(Path file) throws IOException {
    Files.write(file, new byte[Math.toIntExact(Files.size(file))]);
  }

  /**
   * Copies the directory of a store that is open, as a crash would leave it: every acknowledged write is synced
   * into the write-ahead log, and nothing has been flushed.
   */
  public static void copyCrashImage(Path dir, Path image) throws IOException {
    Files.createDirectories(image);
    for (Path file : files(dir, "")) {
      Files.copy(file, image.resolve(file.getFileName()));
    }
  }

  /** The directory a kill -9 would leave after {@code acknowledged} were stored in a new store under {@code temp}. */
  public static Path crashImage(Path temp, List<CacheEntry> acknowledged) throws IOException {
    Path live = temp.resolve("live");
    Path image = temp.resolve("image");
    try (ScoreStore store = ScoreStore.open(live)) {
      acknowledged.forEach(store::put);
      copyCrashImage(live, image);
    }
    return image;
  }

  /** Damages a write-ahead log as a crash image's may be found: "zero-filled", "deleted" or "emptied". */
  public static void damageLog(Path log, String damage) throws IOException {
    switch (damage) {
      case "zero-filled" -> zeroFill(log);
      case "deleted" -> Files.delete(log);
      case "emptied" -> Files.write(log, new byte[0]);
      default -> throw new IllegalArgumentException("unknown damage " + damage);
    }
  }
}
