package dev.knas.strategy.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run.json and summary.json through their records: written, read back, and checked on resume. */
class RunFolderTest {

  @TempDir
  Path temp;

  private static RunRecord run(String proxy) {
    Map<String, Object> strategy = new LinkedHashMap<>();
    strategy.put("candidates", 300);
    strategy.put("proxy", proxy);
    return new RunRecord("knas", "0.1.0", 4, new RunRecord.Options("cifar10", "benchmark", 40, 1, 10, 0,
        "cifar10", 50, 64, null, strategy), null);
  }

  @Test
  void aResumedSearchMustBeTheSameWheneverItStarted() throws Exception {
    RunFolder folder = new RunFolder(temp.resolve("out"));
    RunRecord started = folder.create(run("mgm"));
    assertNotNull(started.startedAt());
    assertTrue(Files.readString(temp.resolve("out/run.json")).contains("\"kernel_dataset\" : \"cifar10\""));
    assertEquals(started, folder.resume(run("mgm")));
    InvalidOptions other = assertThrows(InvalidOptions.class, () -> folder.resume(run("naswot")));
    assertTrue(other.getMessage().contains("holds a different search"), other.getMessage());
    InvalidOptions again = assertThrows(InvalidOptions.class, () -> folder.create(run("mgm")));
    assertTrue(again.getMessage().contains("already holds a search"), again.getMessage());
    assertThrows(InvalidOptions.class, () -> new RunFolder(temp.resolve("empty")).resume(run("mgm")));
  }

  @Test
  void summariesRoundTripAndAreFoundUnderAFolder() throws Exception {
    RunFolder folder = new RunFolder(temp.resolve("runs/knas/seed-0"));
    RunRecord started = folder.create(run("mgm"));
    Evaluation best = new Evaluation(7, "evaluation", "|a|", 12, "|a|", "benchmark", "cifar10",
        "validation_accuracy", 91.5, null, null, null, false, 0.01, 5000, Map.of("cifar10", 91.5),
        Map.of("cifar10", 94.0), 1, 6000);
    Summary summary = Summary.of(started, new SearchRunner.Outcome(Optional.of(best), 300, 40, 2, 12.5, 9e4, 0),
        Optional.of(Summary.Best.of(best, Optional.empty(), "cifar10")), Instant.EPOCH);
    folder.writeSummary(summary);
    assertEquals(summary, folder.summary());
    assertEquals(List.of(summary), RunFolder.summaries(temp.resolve("runs")));
    assertEquals("the service has no benchmark table", folder.summary().best().benchmark());
    assertEquals(2, folder.summary().evaluations().failed());
  }
}
