package dev.knas.scoring.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds a store's RocksDB {@code LOCK} file the way RocksDB does (an fcntl lock, which Java's file locks are on
 * Linux), so a check or repair never runs on a store that a service has open.
 *
 * <p>A store without a {@code LOCK} file has never been opened by RocksDB since the file went missing (RocksDB
 * creates it at open and never deletes it), so no process holds it; the lock is then held in memory only, and no
 * file is created: a check must not change the store it checks.
 *
 * <p>fcntl locks belong to a process, and closing any descriptor of the file drops them all: this JVM must not
 * open the LOCK of a store it has open itself. Stores open here are therefore also tracked in memory.
 */
final class StoreLock implements AutoCloseable {

  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final FileChannel channel;

  private StoreLock(Path dir, FileChannel channel) {
    this.dir = dir;
    this.channel = channel;
  }

  /** @throws StoreException naming {@code dir} when a process (this one included) has the store open */
  static StoreLock acquire(Path dir) {
    if (!HELD_HERE.add(dir)) {
      throw inUse(dir, "this process");
    }
    Path lockFile = dir.resolve("LOCK");
    if (!Files.exists(lockFile)) {
      return new StoreLock(dir, null);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw inUse(dir, "another process");
      }
      return new StoreLock(dir, channel);
    } catch (IOException | RuntimeException e) {
      HELD_HERE.remove(dir);
      closeQuietly(channel);
      throw e instanceof StoreException s ? s
          : new StoreException("cannot lock the score store " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Marks {@code dir} open in this process (RocksDB holds its lock), until {@link #released}. */
  static void heldByRocksDb(Path dir) {
    if (!HELD_HERE.add(dir)) {
      throw inUse(dir, "this process");
    }
  }

  static void released(Path dir) {
    HELD_HERE.remove(dir);
  }

  private static StoreException inUse(Path dir, String holder) {
    return new StoreException("the score store " + dir + " is in use by " + holder, null);
  }

  @Override
  public void close() {
    closeQuietly(channel);
    HELD_HERE.remove(dir);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // Closing releases the lock whether or not the close itself reports an error.
    }
  }
}
