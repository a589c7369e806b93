package dev.knas.scoring.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds table files damaged under an open store. A read checks a block's checksum only when it reads the block
 * from the file: blocks in RocksDB's block cache and entries the service keeps in memory are answered without
 * reading the file again, so damage to a file that serves from memory would go unseen until the next start.
 * Table files never change once written, so every {@link #INTERVAL} their sizes and modification times are
 * compared with the last look, and when anything changed (a flush or compaction too) every table file is read
 * and its checksums checked.
 */
final class StoreAudit implements AutoCloseable {

  static final Duration INTERVAL = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(StoreAudit.class);

  private final RocksDB db;
  private final Path dir;
  private final Consumer<RocksDBException> damaged;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "score-store-audit");
    t.setDaemon(true);
    return t;
  });
  private Map<String, List<Long>> lastLook;

  /** Starts auditing {@code db} (stored in {@code dir}), just checked whole; {@code damaged} hears damage once. */
  StoreAudit(RocksDB db, Path dir, Consumer<RocksDBException> damaged) {
    this.db = db;
    this.dir = dir;
    this.damaged = damaged;
    this.lastLook = look();
    long every = INTERVAL.toMillis();
    thread.scheduleWithFixedDelay(this::audit, every, every, TimeUnit.MILLISECONDS);
  }

  private void audit() {
    try {
      Map<String, List<Long>> now = look();
      if (now.equals(lastLook)) {
        return;
      }
      db.verifyChecksum();
      lastLook = now;
    } catch (RocksDBException e) {
      thread.shutdown();
      damaged.accept(e);
    } catch (RuntimeException e) {
      // A failure of the audit itself must not end it: an exception would cancel the scheduled task silently.
      log.warn("the score store's audit failed this time and goes on: {}", e.toString());
    }
  }

  /** Each live table file's size and modification time. */
  private Map<String, List<Long>> look() {
    return db.getLiveFilesMetaData().stream().map(LiveFileMetaData::fileName).distinct()
        .collect(Collectors.toMap(name -> name, name -> stamp(dir.resolve(Path.of(name).getFileName()))));
  }

  /** Size and modification time in nanoseconds; a file that cannot be read gets a stamp of its own. */
  private static List<Long> stamp(Path file) {
    try {
      return List.of(Files.size(file), Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS));
    } catch (IOException e) {
      return List.of(-1L, -1L);
    }
  }

  /**
   * Stops auditing; returns once no check runs, so the database may be closed (a check in native code does not
   * stop when interrupted, and closing the database under it would crash the process).
   */
  @Override
  public void close() {
    thread.shutdownNow();
    boolean interrupted = false;
    while (!thread.isTerminated()) {
      try {
        thread.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
