package dev.knas.scoring.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RocksDB store on a real directory. */
class ScoreStoreTest {

  @TempDir
  Path dir;

  static CacheEntry entry(String arch, double value) {
    CacheKey key = CacheKey.newBuilder().setFormatVersion(1).setCanonicalArchitecture(arch).build();
    return CacheEntry.newBuilder().setFormatVersion(1).setKey(CacheKeys.hash(key)).setKeyFields(key)
        .setValue(value).build();
  }

  @Test
  void entriesSurviveReopeningAndExportInKeyOrder() {
    CacheEntry a = entry("a", 1.5);
    CacheEntry b = entry("b", 2.5);
    try (ScoreStore store = ScoreStore.open(dir)) {
      store.put(a);
      store.put(b);
      store.put(a);
      assertEquals(2, store.entries());
    }
    try (ScoreStore store = ScoreStore.open(dir)) {
      assertEquals(2, store.entries());
      assertEquals(a, store.get(a.getKey()).orElseThrow());
      assertTrue(store.get(entry("c", 0).getKey()).isEmpty());
      assertTrue(store.bytesOnDisk() > 0);
      List<String> keys = new ArrayList<>();
      store.forEach(e -> keys.add(e.getKey()));
      assertEquals(Stream.of(a.getKey(), b.getKey()).sorted().toList(), keys);
    }
  }

  @Test
  void aSecondOpenOfALockedStoreFailsNamingThePath() {
    try (ScoreStore first = ScoreStore.open(dir)) {
      StoreException e = assertThrows(StoreException.class, () -> ScoreStore.open(dir));
      assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("in use"), e.getMessage());
      first.put(entry("still-writable", 1));
    }
  }

  @Test
  void aCorruptStoreIsAnErrorNamingThePath() throws IOException {
    try (ScoreStore store = ScoreStore.open(dir)) {
      store.put(entry("a", 1));
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path manifest : files.filter(f -> f.getFileName().toString().startsWith("MANIFEST")).toList()) {
        Files.write(manifest, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
      }
    }
    StoreException e = assertThrows(StoreException.class, () -> ScoreStore.open(dir));
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
  }

  @Test
  void aPathThatIsAFileIsAnErrorNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    StoreException e = assertThrows(StoreException.class, () -> ScoreStore.open(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }
}
