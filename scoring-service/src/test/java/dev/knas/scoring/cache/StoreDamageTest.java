package dev.knas.scoring.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.v1.CacheEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** Damaged stores on real RocksDB directories: found at open, reported, repaired without losing anything. */
class StoreDamageTest {

  @TempDir
  Path temp;

  private final List<CacheEntry> older = StoreFiles.entries("older-", 60);
  private final List<CacheEntry> newer = StoreFiles.entries("newer-", 60);

  @Test
  void aCleanStoreVerifiesAndOpensWithEveryEntry() {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, older, newer);
    StoreReport report = StoreVerifier.verify(dir);
    assertTrue(report.clean(), report.describe());
    assertEquals(120, report.sound());
    try (ScoreStore store = ScoreStore.open(dir)) {
      assertEquals(120, store.entries());
    }
  }

  @Test
  void aGarbledTableRefusesToOpenWithAReportNamingTheFileAndWhatIsReadable() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, older, newer);
    Path oldest = StoreFiles.files(dir, ".sst").get(0);
    StoreFiles.garble(oldest, Files.size(oldest) / 4, 64);

    StoreDamagedException e = assertThrows(StoreDamagedException.class, () -> ScoreStore.open(dir));
    StoreReport report = StoreVerifier.verify(dir);
    assertEquals(2, report.files().size(), report.describe());
    StoreReport.FileDamage damage = report.files().get(0);
    assertEquals(oldest.getFileName().toString(), damage.file());
    assertTrue(damage.problem().contains("checksum mismatch"), damage.problem());
    long unreadable = 120 - report.sound();
    assertTrue(unreadable > 0 && unreadable < 60, "only the garbled block is lost: " + report.describe());
    assertEquals(unreadable + " of 60 entries unreadable", damage.loss());
    assertEquals(new StoreReport.FileDamage(Ledger.FILE, "it records 120 entries acknowledged, and "
        + report.sound() + " are sound", unreadable + " of 120 acknowledged entries are missing"),
        report.files().get(1));
    assertTrue(e.getMessage().contains(oldest.getFileName().toString())
        && e.getMessage().contains("entries readable: " + report.sound() + " sound")
        && e.getMessage().contains("--salvage"), e.getMessage());
  }

  @Test
  void aRepairKeepsTheSoundEntriesAndMovesTheDamagedStoreAsideWhole() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, older, newer);
    Path oldest = StoreFiles.files(dir, ".sst").get(0);
    StoreFiles.garble(oldest, Files.size(oldest) / 4, 64);
    List<String> filesBefore = names(dir);

    StoreRepair.Outcome outcome = StoreRepair.repairIfDamaged(dir).orElseThrow();
    assertEquals(filesBefore, names(outcome.aside()).stream().filter(filesBefore::contains).toList(),
        "the damaged store's files are all kept");
    assertTrue(Files.readString(outcome.aside().resolve(StoreRepair.REPORT)).contains(oldest.getFileName()
        .toString()));
    StoreReport after = StoreVerifier.verify(dir);
    assertTrue(after.clean(), after.describe());
    assertEquals(outcome.report().sound(), after.sound());
    try (ScoreStore store = ScoreStore.open(dir)) {
      assertEquals(after.sound(), store.entries());
      for (CacheEntry entry : newer) {
        assertEquals(entry, store.get(entry.getKey()).orElseThrow(), "the undamaged table is whole");
      }
    }
    assertTrue(StoreRepair.repairIfDamaged(dir).isEmpty(), "a clean store needs no repair");
  }

  @Test
  void anEntryUnderTheWrongKeyIsReportedAndExportedByTheRepair() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, older);
    CacheEntry misplaced = newer.get(0);
    byte[] wrongKey = new byte[32];
    try (Options options = new Options(); RocksDB db = RocksDB.open(options, dir.toString())) {
      db.put(wrongKey, misplaced.toByteArray());
      db.put(new byte[] {1, 2, 3}, new byte[] {4});
    }
    StoreReport report = StoreVerifier.verify(dir);
    assertEquals(60, report.sound());
    assertEquals(2, report.entries().size(), report.describe());
    assertTrue(report.describe().contains("its value names another key"), report.describe());
    assertTrue(report.describe().contains("its key has 3 bytes"), report.describe());

    Path aside = StoreRepair.repairIfDamaged(dir).orElseThrow().aside();
    List<JsonNode> exported = new ArrayList<>();
    new ObjectMapper().readerFor(JsonNode.class).readValues(aside.resolve(StoreRepair.DAMAGED_ENTRIES).toFile())
        .forEachRemaining(node -> exported.add((JsonNode) node));
    assertEquals(2, exported.size());
    assertTrue(exported.stream().anyMatch(n -> n.get("key").asText().equals("0".repeat(64))
        && n.get("value_base64").asText().length() > 0), exported.toString());
    assertTrue(StoreVerifier.verify(dir).clean());
  }

  @Test
  void aCrashImageOpensWithEveryAcknowledgedEntry() throws Exception {
    Path image = StoreFiles.crashImage(temp, older.subList(0, 8));
    try (ScoreStore store = ScoreStore.open(image)) {
      assertEquals(8, store.entries());
    }
  }

  @Test
  void aGarbledWriteAheadLogRefusesToOpenNamingIt() throws Exception {
    Path image = StoreFiles.crashImage(temp, older.subList(0, 8));
    Path log = StoreFiles.files(image, ".log").get(0);
    StoreFiles.garble(log, Files.size(log) / 2, 64);
    StoreReport report = refusal(image);
    assertEquals(log.getFileName().toString(), report.files().get(0).file(), report.describe());
    assertTrue(report.files().get(0).loss().contains("entries written in them are lost"));
    assertTrue(report.sound() < 8, report.describe());
  }

  @Test
  void aCutWriteAheadLogRefusesToOpenNamingIt() throws Exception {
    Path image = StoreFiles.crashImage(temp, older.subList(0, 8));
    Path log = StoreFiles.files(image, ".log").get(0);
    StoreFiles.cut(log, 20);
    StoreReport report = refusal(image);
    assertEquals(log.getFileName().toString(), report.files().get(0).file(), report.describe());
    assertEquals(7, report.sound(), report.describe());
  }

  @Test
  void scansAndReadsOfAnOpenStoreCheckTheirChecksums() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, older);
    try (ScoreStore store = ScoreStore.open(dir)) {
      Path table = StoreFiles.files(dir, ".sst").get(0);
      StoreFiles.garble(table, 0, 64);
      StoreDamagedException scan = assertThrows(StoreDamagedException.class, () -> store.forEach(e -> { }));
      assertEquals("score store entry is damaged: block checksum mismatch", scan.reason());
      assertThrows(StoreDamagedException.class, () -> store.get(older.get(0).getKey()));
      assertFalse(scan.reason().contains(dir.toString()));
    }
  }

  @Test
  void aTableDamagedUnderTheOpenStoreIsFoundThoughItsEntriesAreInMemory() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, older);
    try (ScoreStore store = ScoreStore.open(dir)) {
      ScoreCache cache = new ScoreCache(store);
      CacheEntry hot = older.get(0);
      assertEquals(hot, cache.lookup(hot.getKey()).orElseThrow());
      Path table = StoreFiles.files(dir, ".sst").get(0);
      StoreFiles.garble(table, Files.size(table) / 4, 64);
      assertEquals(hot, store.get(hot.getKey()).orElseThrow(), "its block is in the block cache");
      awaitDamageFound(store);
      StoreDamagedException e = assertThrows(StoreDamagedException.class, () -> cache.lookup(hot.getKey()));
      assertEquals("score store entry is damaged: block checksum mismatch", e.reason());
      assertThrows(StoreDamagedException.class, () -> store.put(newer.get(0)));
      assertThrows(StoreUnwritableException.class, store::checkWritable);
    }
  }

  @Test
  void verifyingAStoreThisProcessHasOpenIsRefused() {
    Path dir = temp.resolve("store");
    try (ScoreStore store = ScoreStore.open(dir)) {
      store.put(older.get(0));
      StoreException e = assertThrows(StoreException.class, () -> StoreVerifier.verify(dir));
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
      store.put(older.get(1));
    }
    assertEquals(2, StoreVerifier.verify(dir).sound());
  }

  /** Waits (at most 30 s) until the store's audit found damage. */
  private static void awaitDamageFound(ScoreStore store) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        store.checkSound();
      } catch (StoreDamagedException found) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private static StoreReport refusal(Path dir) {
    StoreDamagedException e = assertThrows(StoreDamagedException.class, () -> ScoreStore.open(dir));
    StoreReport report = StoreVerifier.verify(dir);
    assertFalse(report.clean());
    assertTrue(e.getMessage().contains(report.files().get(0).file()), e.getMessage());
    return report;
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
