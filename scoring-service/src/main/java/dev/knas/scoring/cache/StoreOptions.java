package dev.knas.scoring.cache;

import java.util.List;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.Logger;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.WALRecoveryMode;

/** The RocksDB settings of the score store: nothing acknowledged may be lost silently, and every read is checked. */
final class StoreOptions {

  /**
   * Memtable size. RocksDB resumes writing after a full disk by itself once the free space would hold a flush of
   * one memtable (SstFileManager polls every 5 s), so a small memtable lets it recover after little is freed: with
   * 4 MiB a store on an 8 MiB volume never recovered. The store takes a few small writes a second at most (about
   * 1 KiB each), so a bigger one buys nothing.
   */
  static final long MEMTABLE_BYTES = 1L << 20;

  private StoreOptions() {}

  /**
   * For the serving store. Every write is synced before it is acknowledged, so every record in the write-ahead
   * log was acknowledged and an intact log replays completely. AbsoluteConsistency therefore refuses any damaged
   * or cut log: the other modes replay up to the damage (point-in-time), skip damaged records, or drop a cut tail
   * (TolerateCorruptedTailRecords) and open with acknowledged entries silently gone. The price is that a tail torn
   * by a machine crash during an unacknowledged write also refuses; --salvage then reports what it dropped.
   */
  static Options serving(AbstractEventListener listener) {
    return checked(new Options())
        .setCreateIfMissing(true)
        .setWalRecoveryMode(WALRecoveryMode.AbsoluteConsistency)
        .setWriteBufferSize(MEMTABLE_BYTES)
        .setListeners(List.of(listener));
  }

  /**
   * For reading a store without changing it: {@code logger} takes RocksDB's log (no LOG file is written into the
   * store), which names each damaged write-ahead log and the bytes skipped in it.
   */
  static Options inspecting(WALRecoveryMode recovery, Logger logger) {
    return checked(new Options()).setWalRecoveryMode(recovery).setLogger(logger);
  }

  /** Point reads that verify each block's checksum (RocksDB's default, relied on here). */
  static ReadOptions verifiedReads() {
    return new ReadOptions().setVerifyChecksums(true);
  }

  /** Scans that verify each block's checksum and leave the block cache to point reads. */
  static ReadOptions verifiedScan() {
    return verifiedReads().setFillCache(false);
  }

  /** Stop at the first error found (paranoid), and re-read every table file right after writing it. */
  private static Options checked(Options options) {
    return options.setParanoidChecks(true).setParanoidFileChecks(true);
  }
}
