package dev.knas.scoring.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.BackgroundErrorReason;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store can take writes. A failed write or a RocksDB background error makes it unwritable; RocksDB's
 * own recovery makes it writable again (after a full disk its SstFileManager polls the free space every 5 s and
 * resumes once a memtable flush fits). Watchers hear every change. An error RocksDB does not recover from by
 * itself (e.g. an I/O error other than a full disk) leaves the store unwritable until the service restarts.
 */
public final class Writability extends AbstractEventListener {

  /** Told the state when it starts watching and at every change; {@code problem} is null when writable. */
  public interface Watcher {
    void changed(boolean writable, String problem);
  }

  private static final Logger log = LoggerFactory.getLogger(Writability.class);

  private final Path path;
  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  /** Why the store cannot write, without paths; null while it can. */
  private String problem;
  /** Damage found under the running store: it stays unwritable, whatever RocksDB recovers from. */
  private boolean damaged;

  Writability(Path path) {
    super(EnabledEventCallback.ON_BACKGROUND_ERROR, EnabledEventCallback.ON_ERROR_RECOVERY_COMPLETED);
    this.path = path;
  }

  @Override
  public void onBackgroundError(BackgroundErrorReason reason, Status status) {
    failed(RocksErrors.reason(status), reason + ": " + status.getState());
  }

  @Override
  public void onErrorRecoveryCompleted(Status previousError) {
    recovered();
  }

  /** A write failed with {@code e}: unwritable until RocksDB recovers. */
  StoreUnwritableException failed(RocksDBException e) {
    String reason = RocksErrors.reason(e);
    failed(reason, e.getMessage());
    return new StoreUnwritableException("the score store " + path + " cannot write: " + e.getMessage(), reason, e);
  }

  /**
   * A ledger write failed with {@code e}: unwritable, in practice until a restart (RocksDB's recovery, the way
   * back, knows nothing of the ledger).
   */
  StoreUnwritableException failed(IOException e) {
    String reason = "ledger write failed";
    failed(reason, e.toString());
    return new StoreUnwritableException("the score store " + path + " cannot write: " + e, reason, e);
  }

  /** The store's files are damaged: unwritable until the service restarts (and its check reports the damage). */
  synchronized void damaged(String reason) {
    damaged = true;
    problem = reason;
    watchers.forEach(w -> w.changed(false, reason));
  }

  /** @throws StoreUnwritableException while the store cannot write */
  synchronized void check() {
    if (problem != null) {
      throw new StoreUnwritableException("the score store " + path + " cannot write: " + problem, problem, null);
    }
  }

  synchronized void watch(Watcher watcher) {
    watchers.add(watcher);
    watcher.changed(problem == null, problem);
  }

  private synchronized void failed(String reason, String detail) {
    if (problem == null) {
      problem = reason;
      log.error("the score store {} cannot write ({}); it refuses new computations until RocksDB recovers",
          path, detail);
      watchers.forEach(w -> w.changed(false, reason));
    }
  }

  private synchronized void recovered() {
    if (problem != null && !damaged) {
      problem = null;
      log.info("the score store {} can write again", path);
      watchers.forEach(w -> w.changed(true, null));
    }
  }
}
