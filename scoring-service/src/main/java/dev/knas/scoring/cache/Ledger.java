package dev.knas.scoring.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * How many entries the store has acknowledged, kept in a file of its own ({@value #FILE}) next to RocksDB's. An
 * acknowledged entry may live only in the write-ahead log, and a log that is deleted, zero-filled or cut to a
 * record boundary replays as a shorter, clean log: only a count kept outside it shows that entries are missing.
 * The count is synced after RocksDB synced the entry and before the entry is acknowledged, so it never exceeds
 * what RocksDB holds durably.
 *
 * <p>The file holds two slots of 16 bytes (count, checksum); count n goes to slot n mod 2 and is synced with one
 * fdatasync of a file whose size never changes. A write torn by a crash damages one slot; the other still holds
 * the count before it, which is all that had been acknowledged.
 */
final class Ledger implements AutoCloseable {

  static final String FILE = "KNAS-LEDGER";

  private static final int SLOT = 16;
  private static final byte[] MAGIC = "knas-ledger/1".getBytes(StandardCharsets.US_ASCII);

  private final Path file;
  private final FileChannel channel;
  private long recorded;

  private Ledger(Path file, FileChannel channel, long recorded) {
    this.file = file;
    this.channel = channel;
    this.recorded = recorded;
  }

  /**
   * The count recorded in the store in {@code dir}; empty when it has no ledger (a store of a release before it).
   *
   * @throws StoreException when the ledger cannot be read or neither slot holds a valid count
   */
  static OptionalLong read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return OptionalLong.empty();
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e, e);
    }
    if (bytes.length != 2 * SLOT) {
      throw new StoreException("it has " + bytes.length + " bytes, not " + 2 * SLOT, null);
    }
    ByteBuffer slots = ByteBuffer.wrap(bytes);
    long best = -1;
    for (int slot = 0; slot < 2; slot++) {
      long count = slots.getLong();
      if (slots.getLong() == checksum(count) && count >= 0) {
        best = Math.max(best, count);
      }
    }
    if (best < 0) {
      throw new StoreException("neither of its slots holds a valid count", null);
    }
    return OptionalLong.of(best);
  }

  /** Creates the ledger of the store in {@code dir} holding {@code count}, durably, and opens it. */
  static Ledger create(Path dir, long count) {
    Path file = dir.resolve(FILE);
    Path partial = dir.resolve(FILE + ".partial");
    try {
      ByteBuffer slots = ByteBuffer.allocate(2 * SLOT);
      slots.putLong(count).putLong(checksum(count)).putLong(count).putLong(checksum(count)).flip();
      try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        while (slots.hasRemaining()) {
          out.write(slots);
        }
        out.force(true);
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(dir);
    } catch (IOException e) {
      throw new StoreException("cannot write the ledger " + file + ": " + e, e);
    }
    return open(dir, count);
  }

  /** Opens the ledger of the store in {@code dir}, which holds {@code count} (as {@link #read} found). */
  static Ledger open(Path dir, long count) {
    Path file = dir.resolve(FILE);
    try {
      return new Ledger(file, FileChannel.open(file, StandardOpenOption.WRITE), count);
    } catch (IOException e) {
      throw new StoreException("cannot open the ledger " + file + ": " + e, e);
    }
  }

  /**
   * Records {@code count} entries acknowledged, durably, unless a count at least as high is recorded already.
   *
   * @throws IOException when the ledger cannot be written or synced
   */
  synchronized void record(long count) throws IOException {
    if (count <= recorded) {
      return;
    }
    ByteBuffer slot = ByteBuffer.allocate(SLOT).putLong(count).putLong(checksum(count)).flip();
    long at = (count & 1) * SLOT;
    while (slot.hasRemaining()) {
      at += channel.write(slot, at);
    }
    channel.force(false);
    recorded = count;
  }

  Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Every count was synced when recorded; nothing is left to lose.
    }
  }

  private static long checksum(long count) {
    CRC32C crc = new CRC32C();
    crc.update(MAGIC);
    crc.update(ByteBuffer.allocate(Long.BYTES).putLong(count).flip());
    return crc.getValue();
  }

  /** Makes a rename in {@code dir} durable (Linux: fsync of the directory). */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    }
  }
}
