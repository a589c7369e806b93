package dev.knas.scoring.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.v1.CacheEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single-flight and failure handling of the cache, on a real store, with computations the test controls. */
class ScoreCacheTest {

  @TempDir
  Path dir;

  @Test
  void concurrentRequestsForAMissingKeyComputeItOnce() throws Exception {
    CacheEntry value = ScoreStoreTest.entry("x", 3.0);
    AtomicInteger computations = new AtomicInteger();
    CompletableFuture<CacheEntry> slow = new CompletableFuture<>();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try (ScoreStore store = ScoreStore.open(dir)) {
      ScoreCache cache = new ScoreCache(store);
      List<CompletableFuture<ScoreCache.Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> cache.getOrCompute(value.getKey(), () -> {
          computations.incrementAndGet();
          return slow;
        }), clients).thenCompose(f -> f));
      }
      Thread.sleep(200);
      slow.complete(value);
      for (CompletableFuture<ScoreCache.Answer> answer : answers) {
        assertEquals(3.0, answer.get(10, TimeUnit.SECONDS).entry().getValue());
        assertFalse(answer.get().hit());
      }
      assertEquals(1, computations.get());
      assertEquals(1, cache.stats().getMisses());
      assertEquals(7, cache.stats().getCoalesced());
      ScoreCache.Answer later = cache.getOrCompute(value.getKey(), () -> {
        throw new AssertionError("a stored key must not be computed");
      }).get();
      assertTrue(later.hit());
      assertEquals(1, cache.stats().getHits());
      assertEquals(1, store.entries());
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void aFailedComputationIsNotCachedAndIsRetriedNextTime() throws Exception {
    CacheEntry value = ScoreStoreTest.entry("y", 4.0);
    try (ScoreStore store = ScoreStore.open(dir)) {
      ScoreCache cache = new ScoreCache(store);
      CompletableFuture<ScoreCache.Answer> failed = cache.getOrCompute(value.getKey(),
          () -> CompletableFuture.failedFuture(new IllegalStateException("engine fault")));
      ExecutionException e = assertThrows(ExecutionException.class, failed::get);
      assertTrue(e.getCause().getMessage().contains("engine fault"), e.toString());
      assertEquals(0, store.entries());
      assertTrue(cache.lookup(value.getKey()).isEmpty());
      ScoreCache.Answer retried = cache.getOrCompute(value.getKey(),
          () -> CompletableFuture.completedFuture(value)).get();
      assertEquals(4.0, retried.entry().getValue());
      assertEquals(1, store.entries());
    }
  }

  @Test
  void aStoreThatCannotBeReadFailsTheAnswerAndComputesNothing() throws Exception {
    List<CacheEntry> entries = StoreFiles.entries("damaged-", 60);
    StoreFiles.writeTables(dir, entries);
    String first = entries.stream().map(CacheEntry::getKey).sorted().findFirst().orElseThrow();
    try (ScoreStore store = ScoreStore.open(dir)) {
      StoreFiles.garble(StoreFiles.files(dir, ".sst").get(0), 0, 64);
      ScoreCache cache = new ScoreCache(store);
      CompletableFuture<ScoreCache.Answer> answer = cache.getOrCompute(first, () -> {
        throw new AssertionError("nothing is computed for a key the store cannot read");
      });
      ExecutionException e = assertThrows(ExecutionException.class, answer::get);
      assertInstanceOf(StoreDamagedException.class, e.getCause());
      assertEquals(0, cache.stats().getMisses());
    }
  }
}
