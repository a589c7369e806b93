package dev.knas.scoring;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared data the tests read in place, located by {@code KNAS_DATA_DIR} (docs/development/testing.md). Unset: tests that
 * need it are skipped. Set: they fail if the data is not there.
 */
public final class TestData {

  private TestData() {}

  /** The CIFAR-10 folder under {@code KNAS_DATA_DIR}. */
  public static Path cifar10() {
    return require("cifar10-subset");
  }

  /** NAS-Bench-201's table under {@code KNAS_DATA_DIR}, for the benchmark fidelity. */
  public static Path nb201Table() {
    return require("nb201/nb201_accuracy.csv");
  }

  /** The data directory itself (holding cifar10-subset/ and nb201/). */
  public static Path root() {
    String dir = System.getenv("KNAS_DATA_DIR");
    assumeTrue(dir != null, "KNAS_DATA_DIR is not set: skipping a test that needs ../shared/data");
    assertTrue(Files.isDirectory(Path.of(dir)), "KNAS_DATA_DIR=" + dir + " is not a directory");
    return Path.of(dir);
  }

  private static Path require(String child) {
    Path path = root().resolve(child);
    assertTrue(Files.exists(path), "KNAS_DATA_DIR is set but " + path + " is missing");
    return path;
  }
}
