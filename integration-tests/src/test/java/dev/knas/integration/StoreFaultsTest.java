package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.cache.SmallDisk;
import dev.knas.scoring.cache.StoreFiles;
import dev.knas.scoring.testing.ServiceProcess;
import dev.knas.v1.Architecture;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheStats;
import dev.knas.v1.ExportCacheRequest;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GetCacheStatsRequest;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ZeroCostOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected into the score store of the real {@code bin/scoring-service}: a garbled table file, a garbled
 * or cut write-ahead log after kill -9, a full disk (a small tmpfs; skipped where mounting is not permitted).
 * Nothing acknowledged may be lost silently.
 */
class StoreFaultsTest {

  @TempDir
  Path temp;

  @Test
  void aGarbledTableRefusesStartUntilSalvagedOrRepaired() throws Exception {
    Path store = temp.resolve("store");
    List<CacheEntry> older = StoreFiles.entries("older-", 60);
    List<CacheEntry> newer = StoreFiles.entries("newer-", 60);
    StoreFiles.writeTables(store, older, newer);
    Path table = StoreFiles.files(store, ".sst").get(0);
    StoreFiles.garble(table, Files.size(table) / 4, 64);
    String tableName = table.getFileName().toString();

    ServiceProcess.Exit refused = startAndAwaitExit(store);
    assertEquals(1, refused.code(), refused.output());
    assertTrue(refused.output().contains(tableName + ": ") && refused.output().contains("of 60 entries unreadable")
        && refused.output().contains("block checksum mismatch") && refused.output().contains("--salvage"),
        refused.output());
    long readable = readableIn(refused.output());
    assertTrue(readable >= 60 && readable < 120, refused.output());

    ServiceProcess.Exit verified = command("verify-store", store.toString());
    assertEquals(1, verified.code(), verified.output());
    assertTrue(verified.output().contains(tableName) && verified.output().contains("entries readable: " + readable),
        verified.output());

    Path copy = temp.resolve("copy");
    StoreFiles.copyCrashImage(store, copy);
    ServiceProcess.Exit repaired = command("verify-store", "--repair", copy.toString());
    assertEquals(0, repaired.code(), repaired.output());
    assertTrue(repaired.output().contains("clean, " + readable + " entries checked"), repaired.output());
    assertEquals(0, command("verify-store", copy.toString()).code());
    Path aside = siblingStartingWith(copy, "copy.damaged-");
    assertTrue(Files.exists(aside.resolve(tableName)) && Files.exists(aside.resolve("damaged-entries.jsonl")),
        "the damaged store is kept aside whole");

    try (ServiceProcess salvaged = serviceOn(store).args("--salvage").start()) {
      ManagedChannel channel = salvaged.channel();
      assertTrue(salvaged.output().contains(tableName) && salvaged.output().contains("Rebuilt the score store"),
          salvaged.output());
      ScoreCacheServiceGrpc.ScoreCacheServiceBlockingStub cache = ScoreCacheServiceGrpc.newBlockingStub(channel);
      assertEquals(readable, cache.getCacheStats(GetCacheStatsRequest.getDefaultInstance()).getEntries());
      long exported = 0;
      for (Iterator<CacheEntry> it = cache.exportCache(ExportCacheRequest.getDefaultInstance()); it.hasNext();
          it.next()) {
        exported++;
      }
      assertEquals(readable, exported, "the export checks its scan");
      for (CacheEntry entry : newer) {
        assertEquals(entry, cache.lookupScore(LookupScoreRequest.newBuilder().setKey(entry.getKey()).build())
            .getEntry(), "the undamaged table is served whole");
      }
    }
  }

  @Test
  void aDamagedWriteAheadLogAfterKillMinus9RefusesStartNamingIt() throws Exception {
    Path store = temp.resolve("store");
    int acknowledged = 6;
    try (ServiceProcess service = serviceOn(store).start()) {
      ScoringServiceGrpc.ScoringServiceBlockingStub scoring = scoring(service.channel());
      for (int i = 1; i <= acknowledged; i++) {
        assertFalse(scoring.scoreArchitecture(params(i)).getCache().getHit());
      }
      ServiceProcess.Exit busy = command("verify-store", store.toString());
      assertEquals(2, busy.code(), busy.output());
      assertTrue(busy.output().contains("is in use by another process"), busy.output());
      service.kill();
    }
    Path garbled = temp.resolve("garbled");
    Path cut = temp.resolve("cut");
    StoreFiles.copyCrashImage(store, garbled);
    StoreFiles.copyCrashImage(store, cut);
    Path log = StoreFiles.files(garbled, ".log").get(0);
    String logName = log.getFileName().toString();
    StoreFiles.garble(log, Files.size(log) / 2, 64);
    StoreFiles.cut(cut.resolve(logName), 20);

    for (Path damaged : List.of(garbled, cut)) {
      ServiceProcess.Exit refused = startAndAwaitExit(damaged);
      assertEquals(1, refused.code(), refused.output());
      assertTrue(refused.output().contains(logName + ": ") && refused.output().contains("bytes unreadable"),
          refused.output());
      assertTrue(readableIn(refused.output()) < acknowledged, refused.output());
    }

    try (ServiceProcess intact = serviceOn(store).start()) {
      ManagedChannel channel = intact.channel();
      assertEquals(acknowledged, ScoreCacheServiceGrpc.newBlockingStub(channel)
          .getCacheStats(GetCacheStatsRequest.getDefaultInstance()).getEntries(), "kill -9 itself loses nothing");
      for (int i = 1; i <= acknowledged; i++) {
        assertTrue(scoring(channel).scoreArchitecture(params(i)).getCache().getHit());
      }
    }
  }

  @Test
  void aStoreThatLostCurrentIsRefusedUntouchedAndRepairedWhole() throws Exception {
    Path store = temp.resolve("store");
    storeAndRestart(store, 3);
    Path withoutLog = temp.resolve("without-log");
    StoreFiles.copyCrashImage(store, withoutLog);
    Files.delete(store.resolve("CURRENT"));
    Files.delete(withoutLog.resolve("CURRENT"));
    for (Path log : StoreFiles.files(withoutLog, ".log")) {
      Files.delete(log);
    }

    for (Path damaged : List.of(store, withoutLog)) {
      String report = refusedThreeTimesUnchanged(damaged);
      assertTrue(report.contains("CURRENT: the store does not open") && report.contains("entries readable: 3 sound"),
          report);
    }
    ServiceProcess.Exit repaired = command("verify-store", "--repair", store.toString());
    assertEquals(0, repaired.code(), repaired.output());
    assertTrue(repaired.output().contains("clean, 3 entries checked"), repaired.output());
    try (ServiceProcess service = serviceOn(store).start()) {
      ManagedChannel channel = service.channel();
      for (int i = 1; i <= 3; i++) {
        assertTrue(scoring(channel).scoreArchitecture(params(i)).getCache().getHit());
      }
    }
  }

  @Test
  void aWriteAheadLogZeroFilledDeletedOrEmptiedAfterKillMinus9IsRefusedCountingTheLoss() throws Exception {
    Path store = temp.resolve("store");
    try (ServiceProcess service = serviceOn(store).start()) {
      ScoringServiceGrpc.ScoringServiceBlockingStub scoring = scoring(service.channel());
      for (int i = 1; i <= 5; i++) {
        assertFalse(scoring.scoreArchitecture(params(i)).getCache().getHit());
      }
      service.kill();
    }
    for (String damage : List.of("zero-filled", "deleted", "emptied")) {
      Path image = temp.resolve(damage);
      StoreFiles.copyCrashImage(store, image);
      Path log = StoreFiles.files(image, ".log").get(0);
      StoreFiles.damageLog(log, damage);
      String report = refusedThreeTimesUnchanged(image);
      assertTrue(report.contains("KNAS-LEDGER: 5 of 5 acknowledged entries are missing"), damage + ": " + report);
    }
  }

  @Test
  void aWriteAheadLogEmptiedAfterKillMinus9CountsOnlyTheEntriesItHeld() throws Exception {
    Path store = temp.resolve("store");
    int next = storeAndRestart(store, 20);
    try (ServiceProcess service = serviceOn(store).start()) {
      storeNew(service.channel(), next, 10);
      service.kill();
    }
    List<Path> logs = StoreFiles.files(store, ".log");
    Files.write(logs.get(logs.size() - 1), new byte[0]);
    String report = refusedThreeTimesUnchanged(store);
    assertTrue(report.contains("KNAS-LEDGER: 10 of 30 acknowledged entries are missing")
        && report.contains("entries readable: 20 sound"), report);
  }

  @Test
  void aTableDamagedUnderTheRunningServiceTurnsItNotServingAndAnswersDataLoss() throws Exception {
    Path store = temp.resolve("store");
    storeAndRestart(store, 3);
    try (ServiceProcess service = serviceOn(store).start()) {
      ManagedChannel channel = service.channel();
      assertTrue(scoring(channel).scoreArchitecture(params(1)).getCache().getHit());
      Path table = StoreFiles.files(store, ".sst").get(0);
      StoreFiles.garble(table, 0, 64);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (health(channel) != ServingStatus.NOT_SERVING) {
        assertTrue(System.nanoTime() < deadline, "NOT_SERVING once the table is damaged: " + service.output());
        Thread.sleep(200);
      }
      StatusRuntimeException lost = assertThrows(StatusRuntimeException.class,
          () -> scoring(channel).scoreArchitecture(params(1)));
      assertEquals(Status.Code.DATA_LOSS, lost.getStatus().getCode());
      assertEquals("score store entry is damaged: block checksum mismatch", lost.getStatus().getDescription());
      StatusRuntimeException lookup = assertThrows(StatusRuntimeException.class, () -> ScoreCacheServiceGrpc
          .newBlockingStub(channel).lookupScore(LookupScoreRequest.newBuilder().setRequest(params(1)).build()));
      assertEquals(Status.Code.DATA_LOSS, lookup.getStatus().getCode(), "answered from memory no more");
      assertTrue(service.output().contains("was damaged while open"), service.output());
    }
    String report = refusedThreeTimesUnchanged(store);
    assertTrue(report.contains("block checksum mismatch"), report);
  }

  @Test
  void aFullDiskTurnsNotServingAndRefusesEarlyUntilSpaceIsFreed() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(temp.resolve("disk"), 16);
        ServiceProcess service = serviceOn(disk.path().resolve("store")).start()) {
      ManagedChannel channel = service.channel();
      ScoringServiceGrpc.ScoringServiceBlockingStub scoring = scoring(channel);
      ScoreCacheServiceGrpc.ScoreCacheServiceBlockingStub cache = ScoreCacheServiceGrpc.newBlockingStub(channel);
      assertEquals(ServingStatus.SERVING, health(channel));
      Path filler = disk.fill();

      StatusRuntimeException failed = assertThrows(StatusRuntimeException.class,
          () -> scoring.scoreArchitecture(params(1)));
      assertEquals(Status.Code.UNAVAILABLE, failed.getStatus().getCode());
      assertEquals("score store cannot write: no space left on device", failed.getStatus().getDescription());
      assertEquals(ServingStatus.NOT_SERVING, health(channel));

      long misses = cache.getCacheStats(GetCacheStatsRequest.getDefaultInstance()).getMisses();
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> scoring.scoreArchitecture(params(2)));
      assertEquals(failed.getStatus().getCode(), refused.getStatus().getCode());
      assertEquals(failed.getStatus().getDescription(), refused.getStatus().getDescription());
      CacheStats stats = cache.getCacheStats(GetCacheStatsRequest.getDefaultInstance());
      assertEquals(misses, stats.getMisses(), "refused before computing");
      assertFalse(cache.lookupScore(LookupScoreRequest.newBuilder().setRequest(params(2)).build()).getFound(),
          "reads still answer");

      Files.delete(filler);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (health(channel) != ServingStatus.SERVING) {
        assertTrue(System.nanoTime() < deadline, "SERVING again after space is freed: " + service.output());
        Thread.sleep(200);
      }
      assertFalse(scoring.scoreArchitecture(params(2)).getCache().getHit());
      assertTrue(scoring.scoreArchitecture(params(2)).getCache().getHit(), "stored after recovery");
      assertTrue(service.output().contains("can write again"), service.output());
    }
  }

  /** The zero-cost parameter count of NAS-Bench-201 architecture {@code index}: a cheap cached computation. */
  private static ScoreArchitectureRequest params(int index) {
    return ScoreArchitectureRequest.newBuilder().setArchitecture(Architecture.newBuilder().setNb201Index(index))
        .setFidelity(Fidelity.FIDELITY_ZERO_COST).setZeroCost(ZeroCostOptions.newBuilder().addProxies("params"))
        .build();
  }

  private static ScoringServiceGrpc.ScoringServiceBlockingStub scoring(ManagedChannel channel) {
    return ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
  }

  private static ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
        .setService(ScoringServiceGrpc.SERVICE_NAME).build()).getStatus();
  }

  private ServiceProcess.Exit startAndAwaitExit(Path store) throws Exception {
    try (ServiceProcess service = serviceOn(store).launch()) {
      return service.awaitExit();
    }
  }

  /**
   * Stores {@code n} entries into a new store, then SIGTERM, start, SIGTERM, so that they end in a table file;
   * returns the architecture index to go on from.
   */
  private int storeAndRestart(Path store, int n) throws Exception {
    int next;
    try (ServiceProcess service = serviceOn(store).start()) {
      next = storeNew(service.channel(), 1, n);
      service.terminate();
      try (ServiceProcess restarted = service.restart()) {
        restarted.terminate();
      }
    }
    assertFalse(StoreFiles.files(store, ".sst").isEmpty());
    return next;
  }

  /**
   * Scores architectures from index {@code from} on until {@code n} were computed (equivalent architectures share
   * an entry, so some are hits); returns the index after the last one scored.
   */
  private static int storeNew(ManagedChannel channel, int from, int n) {
    int index = from;
    for (int stored = 0; stored < n; index++) {
      if (!scoring(channel).scoreArchitecture(params(index)).getCache().getHit()) {
        stored++;
      }
    }
    return index;
  }

  /**
   * Starts the service on {@code store} three times, as a restart policy would: each start exits with 1, and no
   * file of the store changes; then verify-store reports it damaged (exit 1), also changing nothing. Returns
   * verify-store's report.
   */
  private String refusedThreeTimesUnchanged(Path store) throws Exception {
    Map<String, String> before = StoreFiles.snapshot(store);
    for (int start = 1; start <= 3; start++) {
      ServiceProcess.Exit refused = startAndAwaitExit(store);
      assertEquals(1, refused.code(), refused.output());
      assertTrue(refused.output().contains("is damaged:") && refused.output().contains("--salvage"),
          refused.output());
      assertEquals(before, StoreFiles.snapshot(store), "start " + start + " changed the store");
    }
    ServiceProcess.Exit verified = command("verify-store", store.toString());
    assertEquals(1, verified.code(), verified.output());
    assertEquals(before, StoreFiles.snapshot(store), "verify-store changed the store");
    return verified.output();
  }

  /** The count of sound entries a report printed. */
  private static long readableIn(String report) {
    String marker = "entries readable: ";
    int at = report.indexOf(marker) + marker.length();
    return Long.parseLong(report.substring(at, report.indexOf(' ', at)));
  }

  private static Path siblingStartingWith(Path dir, String prefix) throws Exception {
    try (Stream<Path> siblings = Files.list(dir.getParent())) {
      return siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
    }
  }

  /** {@code bin/scoring-service} on {@code store}. */
  private ServiceProcess.Builder serviceOn(Path store) {
    return ServiceProcess.fromLauncher(logs()).store(store);
  }

  /** {@code bin/scoring-service args}, a subcommand, run to its end. */
  private ServiceProcess.Exit command(String... args) throws Exception {
    return ServiceProcess.fromLauncher(logs()).runCommand(args);
  }

  private Path logs() {
    return temp.resolve("logs");
  }
}
