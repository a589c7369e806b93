package dev.knas.scoring.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger of acknowledged entries: durable counts, a torn write, a damaged file. */
class LedgerTest {

  @TempDir
  Path dir;

  @Test
  void countsOnlyGrowAndReadBack() throws Exception {
    assertEquals(OptionalLong.empty(), Ledger.read(dir));
    try (Ledger ledger = Ledger.create(dir, 3)) {
      assertEquals(OptionalLong.of(3), Ledger.read(dir));
      ledger.record(4);
      ledger.record(5);
      ledger.record(2);
    }
    assertEquals(OptionalLong.of(5), Ledger.read(dir));
    assertEquals(32, Files.size(dir.resolve(Ledger.FILE)), "two slots, never resized");
  }

  @Test
  void aTornWriteLeavesTheCountBeforeIt() throws Exception {
    try (Ledger ledger = Ledger.create(dir, 6)) {
      ledger.record(7);
    }
    // 7 went to slot 1 (bytes 16..31); tearing it leaves slot 0's 6.
    StoreFiles.garble(dir.resolve(Ledger.FILE), 20, 4);
    assertEquals(OptionalLong.of(6), Ledger.read(dir));
  }

  @Test
  void aZeroFilledOrCutLedgerIsUnreadable() throws Exception {
    Ledger.create(dir, 9).close();
    Path file = dir.resolve(Ledger.FILE);
    StoreFiles.zeroFill(file);
    assertTrue(assertThrows(StoreException.class, () -> Ledger.read(dir)).getMessage()
        .contains("neither of its slots holds a valid count"));
    Files.write(file, new byte[0]);
    assertTrue(assertThrows(StoreException.class, () -> Ledger.read(dir)).getMessage().contains("0 bytes"));
  }
}
