package dev.knas.scoring.cache;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.knas.scoring.cache.StoreReport.DamagedEntry;
import dev.knas.scoring.cache.StoreReport.FileDamage;
import dev.knas.v1.CacheEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.rocksdb.AbstractRocksIterator;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.Logger;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SstFileReader;
import org.rocksdb.SstFileReaderIterator;
import org.rocksdb.WALRecoveryMode;

/**
 * Checks every entry of a store without changing it: each write-ahead log replays without damage, each table
 * file passes its checksums, and each entry parses as a {@link CacheEntry} stored under the hash of its own
 * CacheKey. Damage does not stop the check: the write-ahead logs are replayed past damaged records, and each
 * table file is read on its own, forward up to a damaged block and backward down to it, so the report counts
 * everything that can still be read.
 */
public final class StoreVerifier {

  static {
    RocksDB.loadLibrary();
  }

  /** How RocksDB logs a damaged write-ahead log while it replays past the damage. */
  private static final Pattern DROPPED = Pattern.compile("(\\S+\\.log): dropping (\\d+) bytes; (.+)");

  /** The names of the files RocksDB keeps in a store's directory, and the ledger's. */
  private static final Pattern STORE_FILE = Pattern.compile("CURRENT|IDENTITY|LOCK|LOG(\\.old\\.\\d+)?"
      + "|MANIFEST-\\d+|OPTIONS-\\d+|\\d+\\.(sst|log|blob)|" + Pattern.quote(Ledger.FILE));

  private StoreVerifier() {}

  /**
   * Whether {@code dir} holds a store: any of RocksDB's files or the ledger. CURRENT alone does not decide it: a
   * store that lost CURRENT is a damaged store, and opening it as a new one would make RocksDB delete its tables.
   */
  public static boolean isStore(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(f -> STORE_FILE.matcher(f.getFileName().toString()).matches());
    } catch (IOException e) {
      throw new StoreException("cannot list the score store " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks the store in {@code dir}.
   *
   * @throws StoreException when {@code dir} is not a store or a process has it open
   */
  public static StoreReport verify(Path dir) {
    Path path = dir.toAbsolutePath().normalize();
    if (!isStore(path)) {
      throw new StoreException(path + " is not a score store (it holds none of RocksDB's files)", null);
    }
    try (StoreLock lock = StoreLock.acquire(path)) {
      return verify(path, (key, value) -> { });
    }
  }

  /** Checks the store in {@code dir}, whose lock the caller holds, handing each sound entry to {@code sound}. */
  static StoreReport verify(Path dir, BiConsumer<byte[], byte[]> sound) {
    Findings findings = new Findings(sound);
    OptionalLong acknowledged = OptionalLong.empty();
    try {
      acknowledged = Ledger.read(dir);
    } catch (StoreException e) {
      findings.file(Ledger.FILE, e.getMessage(), "the entries acknowledged cannot be accounted for");
    }
    Warnings strictWarnings = new Warnings();
    RocksDBException strict = read(dir, WALRecoveryMode.AbsoluteConsistency, findings, strictWarnings);
    if (strict != null) {
      // The store does not open as it is: replay past the damage to learn where it is and read the rest. Only
      // the strict replay logs a cut tail; only the tolerant one goes on to log damage further on.
      Warnings tolerantWarnings = new Warnings();
      RocksDBException tolerant = read(dir, WALRecoveryMode.SkipAnyCorruptedRecords, findings, tolerantWarnings);
      int damagedLogs = findings.damagedLogs(tolerantWarnings.lines, strictWarnings.lines);
      if (tolerant != null) {
        boolean noCurrent = !Files.exists(dir.resolve("CURRENT"));
        findings.file(noCurrent ? "CURRENT" : "CURRENT/MANIFEST",
            noCurrent ? "it is missing, while the store's other files are there" : tolerant.getMessage(),
            "the store does not open; its table files are read one by one, its write-ahead logs not at all");
        tablesInDirectory(dir).forEach(table -> readTable(table, findings));
      } else if (damagedLogs == 0) {
        findings.file("write-ahead log", strict.getMessage(), "the store does not open as it is");
      }
    }
    acknowledged.ifPresent(findings::acknowledged);
    return findings.report(dir, acknowledged);
  }

  /** Opens {@code dir} read-only and reads it; null when it opened, else why it did not (nothing read). */
  private static RocksDBException read(Path dir, WALRecoveryMode recovery, Findings findings, Warnings warnings) {
    try (warnings;
        Options options = StoreOptions.inspecting(recovery, warnings);
        RocksDB db = RocksDB.openReadOnly(options, dir.toString())) {
      // Entries replayed from the write-ahead logs are in the memtable; they are the newest.
      try (ReadOptions memtable = StoreOptions.verifiedScan().setReadTier(ReadTier.MEMTABLE_TIER);
          RocksIterator it = db.newIterator(memtable)) {
        RocksDBException error = scan(it, it::key, it::value, findings::entry).error();
        if (error != null) {
          findings.file("memtable", error.getMessage(), "entries replayed from the write-ahead log are unreadable");
        }
      }
      db.getLiveFilesMetaData().stream()
          .sorted(Comparator.comparingLong(LiveFileMetaData::largestSeqno).reversed())
          .map(table -> dir.resolve(Path.of(table.fileName()).getFileName()))
          .forEach(table -> readTable(table, findings));
      return null;
    } catch (RocksDBException e) {
      return e;
    }
  }

  /** The table files in {@code dir}, newest first, for a store whose MANIFEST does not list them. */
  private static List<Path> tablesInDirectory(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".sst"))
          .sorted(Comparator.reverseOrder()).toList();
    } catch (IOException e) {
      throw new StoreException("cannot list the score store " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void readTable(Path table, Findings findings) {
    String name = table.getFileName().toString();
    try (Options options = new Options(); SstFileReader reader = new SstFileReader(options)) {
      reader.open(table.toString());
      long total = reader.getTableProperties().getNumEntries();
      String problem = null;
      try {
        reader.verifyChecksum();
      } catch (RocksDBException e) {
        problem = e.getMessage();
      }
      try (ReadOptions read = StoreOptions.verifiedScan(); SstFileReaderIterator it = reader.newIterator(read)) {
        Scan scan = scan(it, it::key, it::value, findings::entry);
        if (problem == null && scan.error() != null) {
          problem = scan.error().getMessage();
        }
        if (problem != null) {
          findings.file(name, problem, (total - scan.read()) + " of " + total + " entries unreadable");
        }
      }
    } catch (RocksDBException e) {
      findings.file(name, e.getMessage(), "the whole file is unreadable");
    }
  }

  /** Entries read, and the error that stopped the reading (null when everything was read). */
  private record Scan(long read, RocksDBException error) {}

  /**
   * Reads forward from the first entry; when a damaged block stops that, reads backward from the last entry
   * down to the damage, so only the damaged blocks' entries are missed.
   */
  private static Scan scan(AbstractRocksIterator<?> it, Supplier<byte[]> key, Supplier<byte[]> value,
      BiConsumer<byte[], byte[]> entry) {
    long read = 0;
    for (it.seekToFirst(); it.isValid(); it.next()) {
      entry.accept(key.get(), value.get());
      read++;
    }
    try {
      it.status();
      return new Scan(read, null);
    } catch (RocksDBException forward) {
      for (it.seekToLast(); it.isValid(); it.prev()) {
        entry.accept(key.get(), value.get());
        read++;
      }
      return new Scan(read, forward);
    }
  }

  /** Why an entry cannot be served, or null when it is sound. */
  private static String problem(byte[] key, byte[] value) {
    if (key.length != 32) {
      return "its key has " + key.length + " bytes, not the 32 of a SHA-256";
    }
    CacheEntry entry;
    try {
      entry = CacheEntry.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      return "its value does not parse as a CacheEntry (" + e.getMessage() + ")";
    }
    String hex = HexFormat.of().formatHex(key);
    if (!entry.getKey().equals(hex)) {
      return "its value names another key, '" + entry.getKey() + "'";
    }
    String hash = CacheKeys.hash(entry.getKeyFields());
    if (!hash.equals(hex)) {
      return "its key is not the hash of its CacheKey (that is " + hash + ")";
    }
    return null;
  }

  /** What the check found so far; an entry found both damaged and sound (in another file) counts as sound. */
  private static final class Findings {

    private final BiConsumer<byte[], byte[]> sound;
    private final Set<ByteBuffer> soundKeys = new HashSet<>();
    private final Map<ByteBuffer, DamagedEntry> damaged = new LinkedHashMap<>();
    private final List<FileDamage> files = new ArrayList<>();

    Findings(BiConsumer<byte[], byte[]> sound) {
      this.sound = sound;
    }

    void entry(byte[] key, byte[] value) {
      ByteBuffer id = ByteBuffer.wrap(key);
      if (soundKeys.contains(id)) {
        return;
      }
      String problem = problem(key, value);
      if (problem == null) {
        soundKeys.add(id);
        damaged.remove(id);
        sound.accept(key, value);
      } else {
        damaged.putIfAbsent(id, new DamagedEntry(key, value, problem));
      }
    }

    void file(String file, String problem, String loss) {
      files.add(new FileDamage(file, problem, loss));
    }

    /**
     * Records each write-ahead log that RocksDB logged damage in (what it skipped, summed by file, from the first
     * lines that name the file); returns how many.
     */
    int damagedLogs(List<String> tolerant, List<String> strict) {
      Map<String, long[]> bytes = new LinkedHashMap<>();
      Map<String, String> problems = new LinkedHashMap<>();
      for (List<String> lines : List.of(tolerant, strict)) {
        Set<String> named = Set.copyOf(bytes.keySet());
        for (String line : lines) {
          Matcher m = DROPPED.matcher(line);
          if (m.find()) {
            String file = Path.of(m.group(1)).getFileName().toString();
            if (!named.contains(file)) {
              bytes.computeIfAbsent(file, f -> new long[1])[0] += Long.parseLong(m.group(2));
              problems.putIfAbsent(file, m.group(3));
            }
          }
        }
      }
      bytes.forEach((file, dropped) -> file(file, problems.get(file),
          dropped[0] + " bytes unreadable, and the entries written in them are lost"));
      return bytes.size();
    }

    /**
     * Records the entries missing when fewer are sound than the ledger records as acknowledged: they were lost
     * with a write-ahead log deleted, zero-filled or cut, or are among the damaged files' entries.
     */
    void acknowledged(long count) {
      long missing = count - soundKeys.size();
      if (missing > 0) {
        file(Ledger.FILE, "it records " + count + " entries acknowledged, and " + soundKeys.size() + " are sound",
            missing + " of " + count + " acknowledged entries are missing");
      }
    }

    StoreReport report(Path dir, OptionalLong acknowledged) {
      return new StoreReport(dir, soundKeys.size(), files, List.copyOf(damaged.values()), acknowledged);
    }
  }

  /** RocksDB's warnings while it opens a store, kept in memory (no LOG file is written into the store). */
  private static final class Warnings extends Logger {

    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    Warnings() {
      super(InfoLogLevel.WARN_LEVEL);
    }

    @Override
    protected void log(InfoLogLevel level, String message) {
      lines.add(message);
    }
  }
}
