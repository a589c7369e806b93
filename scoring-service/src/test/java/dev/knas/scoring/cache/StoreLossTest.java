package dev.knas.scoring.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.v1.CacheEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores that lost files or acknowledged entries: each refuses to open, changing none of its files, and its
 * report says what is missing.
 */
class StoreLossTest {

  @TempDir
  Path temp;

  private final List<CacheEntry> entries = StoreFiles.entries("entry-", 30);

  @Test
  void aStoreWithoutCurrentIsRefusedAndKeepsItsTables() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, entries.subList(0, 3));
    Files.delete(dir.resolve("CURRENT"));
    StoreReport report = refusedThreeTimesUnchanged(dir);
    assertEquals(new StoreReport.FileDamage("CURRENT", "it is missing, while the store's other files are there",
        "the store does not open; its table files are read one by one, its write-ahead logs not at all"),
        report.files().get(0), report.describe());
    assertEquals(3, report.sound(), "the table's entries are still readable: " + report.describe());
    assertEquals(3, StoreRepair.repairIfDamaged(dir).orElseThrow().report().sound());
    try (ScoreStore store = ScoreStore.open(dir)) {
      assertEquals(3, store.entries());
    }
  }

  @Test
  void aStoreWithoutCurrentOrLogIsRefused() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, entries.subList(0, 3));
    Files.delete(dir.resolve("CURRENT"));
    for (Path log : StoreFiles.files(dir, ".log")) {
      Files.delete(log);
    }
    refusedThreeTimesUnchanged(dir);
  }

  @Test
  void aCurrentNamingAMissingManifestIsRefused() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, entries.subList(0, 3));
    for (Path manifest : StoreFiles.files(dir, "")) {
      if (manifest.getFileName().toString().startsWith("MANIFEST-")) {
        Files.delete(manifest);
      }
    }
    StoreReport report = refusedThreeTimesUnchanged(dir);
    assertTrue(report.files().get(0).problem().contains("MANIFEST-"), report.describe());
  }

  @Test
  void aManifestNamingAMissingTableIsRefused() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, entries.subList(0, 3), entries.subList(3, 6));
    Path table = StoreFiles.files(dir, ".sst").get(0);
    Files.delete(table);
    StoreReport report = refusedThreeTimesUnchanged(dir);
    assertTrue(report.files().get(0).problem().contains(table.getFileName().toString()), report.describe());
    assertTrue(report.describe().contains("3 of 6 acknowledged entries are missing"), report.describe());
  }

  @Test
  void aWriteAheadLogZeroFilledDeletedOrEmptiedAfterACrashIsRefusedCountingTheLoss() throws Exception {
    Path image = StoreFiles.crashImage(temp, entries.subList(0, 5));
    for (String damage : List.of("zero-filled", "deleted", "emptied")) {
      Path copy = temp.resolve(damage);
      StoreFiles.copyCrashImage(image, copy);
      Path log = StoreFiles.files(copy, ".log").get(0);
      StoreFiles.damageLog(log, damage);
      StoreReport report = refusedThreeTimesUnchanged(copy);
      assertEquals(new StoreReport.FileDamage(Ledger.FILE, "it records 5 entries acknowledged, and 0 are sound",
          "5 of 5 acknowledged entries are missing"), report.files().get(report.files().size() - 1),
          damage + ": " + report.describe());
    }
  }

  @Test
  void aLogEmptiedAfterEntriesReachedATableCountsOnlyTheLogsEntries() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, entries.subList(0, 20));
    Path image = temp.resolve("image");
    try (ScoreStore store = ScoreStore.open(dir)) {
      entries.subList(20, 30).forEach(store::put);
      StoreFiles.copyCrashImage(dir, image);
    }
    Path log = StoreFiles.files(image, ".log").get(StoreFiles.files(image, ".log").size() - 1);
    Files.write(log, new byte[0]);
    StoreReport report = refusedThreeTimesUnchanged(image);
    assertEquals(20, report.sound());
    assertTrue(report.describe().contains("10 of 30 acknowledged entries are missing"), report.describe());
    StoreRepair.Outcome repaired = StoreRepair.repairIfDamaged(image).orElseThrow();
    assertTrue(repaired.report().describe().contains("10 of 30 acknowledged entries are missing"));
    StoreReport after = StoreVerifier.verify(image);
    assertTrue(after.clean(), after.describe());
    assertEquals(OptionalLong.of(20), after.acknowledged(), "the rebuilt store acknowledges what it holds");
  }

  @Test
  void aStoreOfAnEarlierReleaseGetsALedgerOnce() throws Exception {
    Path dir = temp.resolve("store");
    StoreFiles.writeTables(dir, entries.subList(0, 4));
    Files.delete(dir.resolve(Ledger.FILE));
    StoreReport before = StoreVerifier.verify(dir);
    assertTrue(before.clean(), before.describe());
    assertTrue(before.describe().contains("no ledger"), before.describe());
    ScoreStore.open(dir).close();
    assertEquals(OptionalLong.of(4), Ledger.read(dir));
  }

  @Test
  void aNewStoreStartsWithAnEmptyLedgerAndCountsEachNewEntry() throws Exception {
    Path dir = temp.resolve("store");
    try (ScoreStore store = ScoreStore.open(dir)) {
      assertEquals(OptionalLong.of(0), Ledger.read(dir));
      store.put(entries.get(0));
      store.put(entries.get(0));
      store.put(entries.get(1));
      assertEquals(OptionalLong.of(2), Ledger.read(dir));
    }
  }

  /** Opens {@code dir} three times, each refused with the same report; checks nothing changed, verify included. */
  private static StoreReport refusedThreeTimesUnchanged(Path dir) throws Exception {
    Map<String, String> before = StoreFiles.snapshot(dir);
    String report = null;
    for (int start = 0; start < 3; start++) {
      StoreDamagedException e = assertThrows(StoreDamagedException.class, () -> ScoreStore.open(dir));
      assertTrue(report == null || e.getMessage().equals(report), e.getMessage());
      report = e.getMessage();
    }
    StoreReport verified = StoreVerifier.verify(dir);
    assertFalse(verified.clean());
    assertEquals(before, StoreFiles.snapshot(dir), "a refused store is left as it was");
    return verified;
  }
}
