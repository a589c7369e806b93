package dev.knas.scoring.cache;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.knas.v1.CacheEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * Cache entries in an embedded RocksDB: key = the 32 bytes of the entry's SHA-256 key, value = the serialised
 * {@link CacheEntry}. Writes go through the write-ahead log and are synced before they return, so an entry the
 * service has answered with survives {@code kill -9} and a machine crash. RocksDB's lock file makes a second
 * process on the same directory fail at open.
 */
public final class ScoreStore implements AutoCloseable {

  static {
    RocksDB.loadLibrary();
  }

  private final Path path;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions syncedWrites = new WriteOptions().setSync(true);
  private final AtomicLong entries;

  private ScoreStore(Path path, Options options, RocksDB db, long entries) {
    this.path = path;
    this.options = options;
    this.db = db;
    this.entries = new AtomicLong(entries);
  }

  /**
   * Opens (creating if needed) the store in {@code dir}.
   *
   * @throws StoreException naming the directory when it cannot be created, is locked by another process, or is
   *     not a readable RocksDB database
   */
  public static ScoreStore open(Path dir) {
    Path path = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new StoreException("cannot create the score store directory " + path + ": " + e, e);
    }
    Options options = new Options().setCreateIfMissing(true).setParanoidChecks(true);
    try {
      RocksDB db = RocksDB.open(options, path.toString());
      long count = 0;
      try (RocksIterator it = db.newIterator()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          count++;
        }
      }
      return new ScoreStore(path, options, db, count);
    } catch (RocksDBException e) {
      options.close();
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      if (reason.contains("lock")) {
        throw new StoreException("the score store " + path + " is in use by another process (RocksDB lock: "
            + reason + ")", e);
      }
      throw new StoreException("cannot open the score store " + path + ": " + reason, e);
    }
  }

  public Path path() {
    return path;
  }

  public Optional<CacheEntry> get(String key) {
    try {
      byte[] value = db.get(bytes(key));
      return value == null ? Optional.empty() : Optional.of(CacheEntry.parseFrom(value));
    } catch (RocksDBException | InvalidProtocolBufferException e) {
      throw new StoreException("cannot read entry " + key + " of the score store " + path + ": " + e, e);
    }
  }

  /** Stores {@code entry} under its key, durably, before returning. */
  public void put(CacheEntry entry) {
    byte[] key = bytes(entry.getKey());
    try {
      boolean fresh = db.get(key) == null;
      db.put(syncedWrites, key, entry.toByteArray());
      if (fresh) {
        entries.incrementAndGet();
      }
    } catch (RocksDBException e) {
      throw new StoreException("cannot write entry " + entry.getKey() + " to the score store " + path + ": " + e, e);
    }
  }

  public long entries() {
    return entries.get();
  }

  /** Bytes of the store's files (tables, logs, manifests). */
  public long bytesOnDisk() {
    try (Stream<Path> files = Files.walk(path)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException e) {
      throw new StoreException("cannot list the score store " + path + ": " + e, e);
    }
  }

  /** Every entry in key order. */
  public void forEach(Consumer<CacheEntry> action) {
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        action.accept(CacheEntry.parseFrom(it.value()));
      }
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("corrupt entry in the score store " + path + ": " + e, e);
    }
  }

  @Override
  public void close() {
    syncedWrites.close();
    db.close();
    options.close();
  }

  private static byte[] bytes(String key) {
    return HexFormat.of().parseHex(key);
  }
}
