package dev.knas.scoring.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.scoring.kernel.Precision;
import dev.knas.space.nb201.Nb201Architecture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The spec's conformance case on this engine against an independent PyTorch implementation
 * (src/test/python/nb201_reference.py, a literal per-sample loop), float64, relative error at most 1e-9.
 * Runs when KNAS_TORCH_PYTHON names a Python with torch (CI sets /usr/bin/python3 after installing
 * python3-torch); then a failure to run the reference fails the test.
 */
class PyTorchConformanceTest {

  private static final double TOLERANCE = 1e-9;
  /** Index 1, index 0 and a cell with every op, a conv fed by an always-zero node and a `none` output edge. */
  private static final List<String> ARCHITECTURES = List.of(
      Nb201Architecture.fromIndex(1).toBenchmarkString(),
      Nb201Architecture.fromIndex(0).toBenchmarkString(),
      "|none~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|none~2|");

  private static final List<JsonNode> reference = new ArrayList<>();

  @BeforeAll
  static void runReference() throws IOException, InterruptedException {
    String python = System.getenv("KNAS_TORCH_PYTHON");
    assumeTrue(python != null, "KNAS_TORCH_PYTHON is not set: skipping the comparison with PyTorch");
    Path script = Path.of(System.getProperty("knas.module.dir", "."), "src/test/python/nb201_reference.py");
    List<String> command = new ArrayList<>(List.of(python, script.toString(),
        "--threads", System.getProperty("ai.djl.pytorch.num_threads", "2")));
    for (String arch : ARCHITECTURES) {
      command.add("--arch");
      command.add(arch);
    }
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), "the PyTorch reference failed: " + command);
    ObjectMapper mapper = new ObjectMapper();
    for (String line : output.strip().split("\n")) {
      reference.add(mapper.readTree(line));
    }
    assertEquals(ARCHITECTURES.size(), reference.size(), output);
  }

  @Test
  void float64MatchesPyTorchToOnePartInABillion() {
    for (JsonNode expected : reference) {
      Nb201Architecture cell = Nb201Architecture.parse(expected.get("architecture").asText());
      ConformanceCase.Result actual = ConformanceCase.run(cell, Precision.FLOAT64, Device.cpu());
      assertEquals(expected.get("parameter_count").asLong(), actual.parameterCount(), cell.toString());
      assertRelative(expected.get("mgm").asDouble(), actual.mgm(), cell + " MGM");
      assertRelative(expected.get("sample0_loss").asDouble(), actual.sample0Loss(), cell + " sample-0 loss");
      for (int i = 0; i < 3; i++) {
        assertRelative(expected.get("sample0_logits").get(i).asDouble(), actual.sample0Logits()[i],
            cell + " sample-0 logit " + i);
      }
    }
  }

  private static void assertRelative(double expected, double actual, String what) {
    double error = Math.abs(actual - expected) / Math.max(Math.abs(expected), Double.MIN_NORMAL);
    assertTrue(error <= TOLERANCE, what + ": PyTorch " + expected + ", DJL " + actual + ", relative error " + error);
  }
}
