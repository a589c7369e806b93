package dev.knas.scoring.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NesterovSgd against PyTorch's SGD with nesterov=True (src/test/python/sgd_reference.py), float64. Runs when
 * KNAS_TORCH_PYTHON names a Python with torch.
 */
class NesterovSgdTest {

  private static final double[][] STEPS = {{1.0, 0.1}, {3.0, 0.05}, {0.5, 0.2}, {2.0, 0.01}};

  @Test
  void matchesPyTorchsNesterovSgd() throws Exception {
    for (double[] setting : new double[][] {{0.9, 5e-4}, {0.0, 0.0}, {0.5, 0.1}}) {
      double[] expected = reference(setting[0], setting[1]);
      double[] actual = train(setting[0], setting[1]);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 1e-12, "momentum " + setting[0] + ", decay " + setting[1]);
      }
    }
  }

  private static double[] train(double momentum, double weightDecay) {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray p = manager.create(new double[] {1.0, -2.0, 0.5});
      p.setRequiresGradient(true);
      NesterovSgd sgd = new NesterovSgd(List.of(p), manager, momentum, weightDecay);
      for (double[] step : STEPS) {
        try (NDArray g = p.getGradient()) {
          g.subi(g);
        }
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
          collector.backward(p.mul(p).mul(step[0]).sum());
        }
        sgd.step(step[1]);
      }
      return p.toDoubleArray();
    }
  }

  private static double[] reference(double momentum, double weightDecay) throws Exception {
    String python = System.getenv("KNAS_TORCH_PYTHON");
    assumeTrue(python != null, "KNAS_TORCH_PYTHON is not set: skipping the comparison with PyTorch");
    Path script = Path.of(System.getProperty("knas.module.dir", "."), "src/test/python/sgd_reference.py");
    List<String> command = new ArrayList<>(List.of(python, script.toString(), "--momentum",
        Double.toString(momentum), "--weight-decay", Double.toString(weightDecay)));
    for (double[] step : STEPS) {
      command.add("--step");
      command.add(step[0] + "," + step[1]);
    }
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), "the PyTorch reference failed: " + command);
    JsonNode values = new ObjectMapper().readTree(output);
    double[] result = new double[values.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = values.get(i).asDouble();
    }
    return result;
  }
}
