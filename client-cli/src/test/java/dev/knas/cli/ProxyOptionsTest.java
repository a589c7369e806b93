package dev.knas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.v1.Fidelity;
import dev.knas.v1.ScoreArchitectureRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The zero-cost options of score and correlate, checked before any call (no service needed). */
class ProxyOptionsTest {

  /** Nothing listens here; every case below must be refused before connecting. */
  private static final String NOWHERE = "127.0.0.1:1";

  @Test
  void proxyImpliesTheZeroCostFidelityWithItsBatchSize() {
    ScoreCommand command = new ScoreCommand();
    new CommandLine(command).parseArgs("--arch", "1", "--proxy", "naswot,synflow", "--proxy", "params",
        "--batch-size", "16", "--samples", "8", "--seed", "3");
    ScoreArchitectureRequest request = command.score.request();
    assertEquals(Fidelity.FIDELITY_ZERO_COST, request.getFidelity());
    assertEquals(List.of("naswot", "synflow", "params"), request.getZeroCost().getProxiesList());
    assertEquals(16, request.getZeroCost().getBatchSize());
    assertEquals(8, request.getGradientKernel().getNumSamples(), "the proxy mgm takes n from --samples");
    assertEquals(3, request.getOptions().getSeed());
    assertTrue(!request.hasShortTraining(), "--batch-size is the proxies' batch here, not a training's");

    ScoreCommand explicit = new ScoreCommand();
    new CommandLine(explicit).parseArgs("--arch", "1", "--proxy", "snip", "--fidelity", "zero-cost");
    assertEquals(Fidelity.FIDELITY_ZERO_COST, explicit.score.request().getFidelity());
    ScoreCommand kernel = new ScoreCommand();
    new CommandLine(kernel).parseArgs("--arch", "1");
    assertEquals(Fidelity.FIDELITY_GRADIENT_KERNEL, kernel.score.request().getFidelity());
  }

  @Test
  void proxyWithAnotherFidelityIsRefused() {
    CliRun run = CliRun.knas("score", "--arch", "1", "--proxy", "naswot", "--fidelity", "benchmark", "--target",
        NOWHERE);
    assertEquals(2, run.exitCode(), run.err());
    assertEquals("knas score: --proxy computes zero-cost proxies; it cannot be combined with --fidelity benchmark"
        + " (see 'knas score --help')", run.err().strip());
    CliRun missing = CliRun.knas("score", "--arch", "1", "--fidelity", "zero-cost", "--target", NOWHERE);
    assertEquals(2, missing.exitCode(), missing.err());
    assertTrue(missing.err().contains("--fidelity zero-cost needs --proxy"), missing.err());
    CliRun unknown = CliRun.knas("score", "--arch", "1", "--fidelity", "exact", "--target", NOWHERE);
    assertEquals(2, unknown.exitCode(), unknown.err());
    assertTrue(unknown.err().contains("'exact' is not kernel, short-training, benchmark or zero-cost"),
        unknown.err());
  }

  @Test
  void helpNamesTheZeroCostFidelity() {
    CliRun help = CliRun.knas("score", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("zero-cost"), help.out());
    assertTrue(help.out().contains("--proxy"), help.out());
  }

  @Test
  void correlateRefusesMalformedExpressionsAndFlags() {
    CliRun single = CliRun.knas("correlate", "--proxy", "ensemble(naswot)", "--out", "/tmp/unused", "--target",
        NOWHERE);
    assertEquals(2, single.exitCode(), single.err());
    assertEquals("knas correlate: --proxy: proxy expression 'ensemble(naswot)': an ensemble needs at least two"
        + " distinct proxies, got 1 (see 'knas correlate --help')", single.err().strip());
    CliRun nested = CliRun.knas("correlate", "--proxy", "ensemble(a,ensemble(b,c))", "--out", "/tmp/unused",
        "--target", NOWHERE);
    assertEquals(2, nested.exitCode(), nested.err());
    assertTrue(nested.err().contains("ensembles do not nest"), nested.err());
    CliRun both = CliRun.knas("correlate", "--proxy", "naswot", "--all-proxies", "--out", "/tmp/unused",
        "--target", NOWHERE);
    assertEquals(2, both.exitCode(), both.err());
    assertTrue(both.err().contains("give --proxy or --all-proxies, not both"), both.err());
    CliRun seeds = CliRun.knas("correlate", "--seeds", "1,2,1", "--out", "/tmp/unused", "--target", NOWHERE);
    assertEquals(2, seeds.exitCode(), seeds.err());
    assertTrue(seeds.err().contains("--seeds: each seed at most once, got [1, 2, 1]"), seeds.err());
    CliRun batch = CliRun.knas("correlate", "--batch-size", "0", "--out", "/tmp/unused", "--target", NOWHERE);
    assertEquals(2, batch.exitCode(), batch.err());
  }
}
