package dev.knas.scoring.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import dev.knas.scoring.cache.StoreReport.DamagedEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Optional;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a damaged store by a fresh one holding its sound entries. Nothing is deleted: the damaged store is
 * moved aside whole, next to it, with the report and an export of the damaged entries it holds.
 */
public final class StoreRepair {

  /** A finished repair: what the check found, and where the damaged store now lies. */
  public record Outcome(StoreReport report, Path aside) {}

  /** The damaged entries' export in the aside directory: one JSON object a line (key, reason, value_base64). */
  public static final String DAMAGED_ENTRIES = "damaged-entries.jsonl";
  /** The check's report, in the aside directory. */
  public static final String REPORT = "REPORT.txt";

  private static final Logger log = LoggerFactory.getLogger(StoreRepair.class);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private StoreRepair() {}

  /**
   * Repairs the store in {@code dir} when it is damaged; empty when it is clean (or there is no store yet).
   *
   * @throws StoreException when a process has the store open, or the repair cannot write
   */
  public static Optional<Outcome> repairIfDamaged(Path dir) {
    Path path = dir.toAbsolutePath().normalize();
    if (!StoreVerifier.isStore(path)) {
      return Optional.empty();
    }
    String stamp = STAMP.format(Instant.now());
    Path fresh = path.resolveSibling(path.getFileName() + ".rebuild-" + stamp);
    Path aside = path.resolveSibling(path.getFileName() + ".damaged-" + stamp);
    try (StoreLock lock = StoreLock.acquire(path)) {
      if (StoreVerifier.verify(path, (key, value) -> { }).clean()) {
        return Optional.empty();
      }
      StoreReport report = rebuild(path, fresh);
      Files.move(path, aside);
      Files.move(fresh, path);
      Files.writeString(aside.resolve(REPORT), report.describe() + "\n", StandardCharsets.UTF_8);
      export(report, aside.resolve(DAMAGED_ENTRIES));
      log.warn("{}\nRebuilt the score store {} from its {} sound entries; the damaged store, with its report ({}) and"
          + " its damaged entries ({}), is kept in {}", report.describe(), path, report.sound(), REPORT,
          DAMAGED_ENTRIES, aside);
      return Optional.of(new Outcome(report, aside));
    } catch (IOException e) {
      throw new StoreException("cannot repair the score store " + path + ": " + e, e);
    }
  }

  /** Checks {@code damaged}, copying its sound entries into a new store at {@code fresh}, durably. */
  private static StoreReport rebuild(Path damaged, Path fresh) {
    try (Options options = new Options().setCreateIfMissing(true).setErrorIfExists(true);
        RocksDB db = RocksDB.open(options, fresh.toString());
        WriteOptions unsynced = new WriteOptions();
        FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
      StoreReport report = StoreVerifier.verify(damaged, (key, value) -> {
        try {
          db.put(unsynced, key, value);
        } catch (RocksDBException e) {
          throw new StoreException("cannot write the rebuilt score store " + fresh + ": " + e.getMessage(), e);
        }
      });
      // One flush writes and syncs every entry into a table file, instead of a sync per entry.
      db.flush(wait);
      // The rebuilt store's acknowledged entries are those it holds; the report says what the old one lost.
      Ledger.create(fresh, report.sound()).close();
      return report;
    } catch (RocksDBException e) {
      throw new StoreException("cannot write the rebuilt score store " + fresh + ": " + e.getMessage(), e);
    }
  }

  private static void export(StoreReport report, Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    try (SequenceWriter out = json.writer().withRootValueSeparator("\n").writeValues(file.toFile())) {
      for (DamagedEntry entry : report.entries()) {
        out.write(json.createObjectNode().put("key", entry.keyHex()).put("reason", entry.reason())
            .put("value_base64", Base64.getEncoder().encodeToString(entry.value())));
      }
    }
  }
}
