package dev.knas.scoring.cache;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.knas.v1.CacheEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cache entries in an embedded RocksDB: key = the 32 bytes of the entry's SHA-256 key, value = the serialised
 * {@link CacheEntry}. Writes go through the write-ahead log and are synced before they return, so an entry the
 * service has answered with survives {@code kill -9} and a machine crash; the {@link Ledger} counts them, so that
 * a lost log is found. Opening checks the whole store first ({@link StoreVerifier}) and refuses a damaged one
 * without changing any of its files; every read from disk verifies checksums, and {@link StoreAudit} finds table
 * files damaged under the open store. A failed write makes the store unwritable (see {@link #watchWritability})
 * until RocksDB recovers. RocksDB's lock file makes a second process on the same directory fail at open.
 */
public final class ScoreStore implements AutoCloseable {

  static {
    RocksDB.loadLibrary();
  }

  private static final Logger log = LoggerFactory.getLogger(ScoreStore.class);

  private final Path path;
  private final Writability writability;
  private final Options options;
  private final RocksDB db;
  private final Ledger ledger;
  private final StoreAudit audit;
  private final ReadOptions verifiedReads = StoreOptions.verifiedReads();
  private final WriteOptions syncedWrites = new WriteOptions().setSync(true);
  private final AtomicLong entries;
  /** What the audit found damaged under the open store; null while nothing is. */
  private volatile StoreDamagedException damage;

  private ScoreStore(Path path, Writability writability, Options options, RocksDB db, Ledger ledger,
      long entries) {
    this.path = path;
    this.writability = writability;
    this.options = options;
    this.db = db;
    this.ledger = ledger;
    this.entries = new AtomicLong(entries);
    this.audit = new StoreAudit(db, path, this::damaged);
  }

  /**
   * Opens (creating if needed) the store in {@code dir}, after checking every entry of an existing one. A
   * directory holding any of a store's files is an existing store, whether or not RocksDB can open it.
   *
   * @throws StoreDamagedException with the check's report when the store is damaged; no file of it has changed
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
    boolean existing = StoreVerifier.isStore(path);
    long sound = 0;
    OptionalLong acknowledged = OptionalLong.empty();
    if (existing) {
      StoreReport report = StoreVerifier.verify(path);
      if (!report.clean()) {
        throw new StoreDamagedException(report);
      }
      sound = report.sound();
      acknowledged = report.acknowledged();
    }
    StoreLock.heldByRocksDb(path);
    Writability writability = new Writability(path);
    Options options = StoreOptions.serving(writability);
    RocksDB db;
    try {
      db = RocksDB.open(options, path.toString());
    } catch (RocksDBException e) {
      StoreLock.released(path);
      options.close();
      writability.close();
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      if (reason.contains("lock")) {
        throw new StoreException("the score store " + path + " is in use by another process (RocksDB lock: "
            + reason + ")", e);
      }
      throw new StoreException("cannot open the score store " + path + ": " + reason, e);
    }
    try {
      Ledger ledger = acknowledged.isPresent() ? Ledger.open(path, acknowledged.getAsLong()) : Ledger.create(path,
          sound);
      if (existing && acknowledged.isEmpty()) {
        log.warn("the score store {} has no ledger of acknowledged entries (a store of an earlier release); it"
            + " now has one, counting its {} entries", path, sound);
      }
      // Entries a crash kept from the ledger (synced by RocksDB, not yet counted) are counted now.
      ledger.record(sound);
      return new ScoreStore(path, writability, options, db, ledger, sound);
    } catch (IOException | RuntimeException e) {
      db.close();
      StoreLock.released(path);
      options.close();
      writability.close();
      throw e instanceof StoreException s ? s
          : new StoreException("cannot write the ledger of the score store " + path + ": " + e, e);
    }
  }

  public Path path() {
    return path;
  }

  public Optional<CacheEntry> get(String key) {
    checkSound();
    try {
      byte[] value = db.get(verifiedReads, bytes(key));
      return value == null ? Optional.empty() : Optional.of(CacheEntry.parseFrom(value));
    } catch (RocksDBException e) {
      throw readFailure("entry " + key, e);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreDamagedException("entry " + key + " of the score store " + path + " does not parse: " + e,
          "its value does not parse", e);
    }
  }

  /**
   * Stores {@code entry} under its key, durably, before returning.
   *
   * @throws StoreUnwritableException when the store cannot write (it stays so until RocksDB recovers)
   */
  public synchronized void put(CacheEntry entry) {
    checkSound();
    byte[] key = bytes(entry.getKey());
    boolean fresh;
    try {
      fresh = db.get(verifiedReads, key) == null;
    } catch (RocksDBException e) {
      throw readFailure("entry " + entry.getKey(), e);
    }
    try {
      db.put(syncedWrites, key, entry.toByteArray());
    } catch (RocksDBException e) {
      throw writability.failed(e);
    }
    if (fresh) {
      try {
        ledger.record(entries.incrementAndGet());
      } catch (IOException e) {
        throw writability.failed(e);
      }
    }
  }

  /**
   * @throws StoreDamagedException once a table file of the open store was found damaged: every read answers so
   *     until a restart, whose check then reports the damage
   */
  public void checkSound() {
    StoreDamagedException found = damage;
    if (found != null) {
      throw found;
    }
  }

  /** @throws StoreUnwritableException while the store cannot write, so work whose result it must store waits */
  public void checkWritable() {
    writability.check();
  }

  /**
   * Tells {@code watcher} whether the store can write, now and at every change. Changes come from RocksDB's
   * threads and from failed writes.
   */
  public void watchWritability(Writability.Watcher watcher) {
    writability.watch(watcher);
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
    checkSound();
    try (ReadOptions scan = StoreOptions.verifiedScan(); RocksIterator it = db.newIterator(scan)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        action.accept(CacheEntry.parseFrom(it.value()));
      }
      it.status();
    } catch (RocksDBException e) {
      throw readFailure("entries", e);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreDamagedException("an entry of the score store " + path + " does not parse: " + e,
          "its value does not parse", e);
    }
  }

  @Override
  public void close() {
    audit.close();
    ledger.close();
    verifiedReads.close();
    syncedWrites.close();
    db.close();
    options.close();
    writability.close();
    StoreLock.released(path);
  }

  /** The audit found {@code e}: the store answers DATA_LOSS and health NOT_SERVING from now on. */
  private void damaged(RocksDBException e) {
    damage = new StoreDamagedException("the score store " + path + " was damaged while open: " + e.getMessage(),
        RocksErrors.reason(e), e);
    writability.damaged("score store is damaged: " + RocksErrors.reason(e));
    log.error("the score store {} was damaged while open ({}); it answers DATA_LOSS and reports NOT_SERVING until"
        + " restarted, and a restart refuses the damaged store until it is repaired (verify-store --repair, or"
        + " --salvage)", path, e.getMessage());
  }

  /** A failed read: damaged data, or the disk failing. */
  private StoreException readFailure(String what, RocksDBException e) {
    String message = "cannot read " + what + " of the score store " + path + ": " + e.getMessage();
    if (RocksErrors.isCorruption(e)) {
      return new StoreDamagedException(message, RocksErrors.reason(e), e);
    }
    return new StoreException(message, "score store cannot read: " + RocksErrors.reason(e), e);
  }

  private static byte[] bytes(String key) {
    return HexFormat.of().parseHex(key);
  }
}
