package dev.knas.scoring.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.v1.CacheEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store on a disk that fills up: writes refuse, watchers hear it, and RocksDB recovers once space is freed. */
class ScoreStoreFullDiskTest {

  @TempDir
  Path temp;

  @Test
  void aFullDiskMakesTheStoreUnwritableUntilSpaceIsFreed() throws Exception {
    List<CacheEntry> entries = StoreFiles.entries("disk-", 3);
    BlockingQueue<String> changes = new LinkedBlockingQueue<>();
    try (SmallDisk disk = SmallDisk.mount(temp.resolve("disk"), 8);
        ScoreStore store = ScoreStore.open(disk.path().resolve("store"))) {
      store.watchWritability((writable, problem) -> changes.add(writable ? "writable" : problem));
      assertEquals("writable", changes.take());
      Path filler = disk.fill();

      StoreUnwritableException e = assertThrows(StoreUnwritableException.class, () -> store.put(entries.get(0)));
      assertEquals("score store cannot write: no space left on device", e.reason());
      assertEquals("no space left on device", changes.poll(5, TimeUnit.SECONDS));
      assertThrows(StoreUnwritableException.class, store::checkWritable);

      Files.delete(filler);
      assertEquals("writable", changes.poll(30, TimeUnit.SECONDS), "RocksDB resumes once space is free");
      store.checkWritable();
      store.put(entries.get(1));
      assertEquals(entries.get(1), store.get(entries.get(1).getKey()).orElseThrow());
      assertTrue(store.get(entries.get(0).getKey()).isEmpty(), "the refused write stored nothing");
      assertEquals(1, store.entries());
    }
  }
}
