package dev.knas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self times from libtorch's Chrome trace, Python's profile lines, and the op families. */
class OpProfileTest {

  private static final double EPS = 1e-9;

  @Test
  void selfTimeIsDurationLessDirectChildrenPerThreadAveragedOverComputations(@TempDir Path dir) throws Exception {
    // Thread 1: conv2d [0, 100) holds convolution [10, 90), which holds mkldnn_convolution [20, 80); then
    // empty [100, 105) starts exactly where conv2d ends. Thread 2: empty [50, 60) overlaps in time but is not a
    // child. The metadata event ("ph": "M") is ignored. Two computations.
    Path trace = Files.writeString(dir.resolve("trace.json"), """
        [
          {"name": "aten::convolution", "ph": "X", "ts": 10, "dur": 80, "tid": 1, "shape": [[2, 3], [4]]},
          {"name": "aten::conv2d", "ph": "X", "ts": 0, "dur": 100, "tid": 1, "shape": [[2, 3], [4]]},
          {"name": "aten::mkldnn_convolution", "ph": "X", "ts": 20, "dur": 60, "tid": 1,
           "shape": [[2, 3], [4], []]},
          {"name": "aten::empty", "ph": "X", "ts": 100, "dur": 5, "tid": 1, "shape": [[], []]},
          {"name": "aten::empty", "ph": "X", "ts": 50, "dur": 10, "tid": 2, "shape": [[], []]},
          {"name": "process_name", "ph": "M", "pid": 1}
        ]
        """);
    OpProfile profile = OpProfile.fromChromeTrace(trace, 250, 2);
    Map<String, OpProfile.Op> ops = profile.ops().stream()
        .collect(Collectors.toMap(op -> op.name() + " " + op.shapes(), Function.identity()));
    assertEquals(20 / 2.0, ops.get("aten::conv2d 2x3 4").selfMicros(), EPS);
    assertEquals(20 / 2.0, ops.get("aten::convolution 2x3 4").selfMicros(), EPS);
    assertEquals(60 / 2.0, ops.get("aten::mkldnn_convolution 2x3 4").selfMicros(), EPS);
    assertEquals(15 / 2.0, ops.get("aten::empty ").selfMicros(), EPS);
    assertEquals(2 / 2.0, ops.get("aten::empty ").calls(), EPS);
    assertEquals(115 / 2.0, profile.opMicros(), EPS);
    assertEquals(250, profile.wallMicros(), EPS);
  }

  @Test
  void pythonLinesKeepTheirPerComputationNumbers() throws Exception {
    OpProfile profile = OpProfile.fromPythonLine(new ObjectMapper().readTree("""
        {"arch": "|x|", "wall_us": 1000.0, "ops": [
          ["aten::convolution_backward", [[50, 16, 32, 32], [50, 16, 32, 32], [16, 16, 3, 3], []], 30.0, 400.0],
          ["aten::add", [[3], []], 2.0, 5.0]]}
        """));
    assertEquals(1000, profile.wallMicros(), EPS);
    assertEquals(405, profile.opMicros(), EPS);
    assertEquals("50x16x32x32 50x16x32x32 16x16x3x3", profile.ops().get(0).shapes());
    assertEquals(30, profile.ops().get(0).calls(), EPS);
  }

  @Test
  void opsFallIntoTheFamilyOfTheirJob() {
    assertEquals(OpFamily.CONVOLUTION_BACKWARD, OpFamily.of("aten::convolution_backward"));
    assertEquals(OpFamily.CONVOLUTION_BACKWARD, OpFamily.of("ConvolutionBackward0"));
    assertEquals(OpFamily.CONVOLUTION_FORWARD, OpFamily.of("aten::mkldnn_convolution"));
    assertEquals(OpFamily.NORMALIZATION_FORWARD, OpFamily.of("aten::native_batch_norm"));
    assertEquals(OpFamily.NORMALIZATION_BACKWARD, OpFamily.of("aten::native_batch_norm_backward"));
    assertEquals(OpFamily.RELU, OpFamily.of("aten::clamp_min"));
    assertEquals(OpFamily.RELU, OpFamily.of("aten::threshold_backward"));
    assertEquals(OpFamily.AUTOGRAD, OpFamily.of("autograd::engine::evaluate_function: ReluBackward0"));
    assertEquals(OpFamily.AUTOGRAD, OpFamily.of("AddBackward0"));
    assertEquals(OpFamily.MEMORY, OpFamily.of("aten::empty_strided"));
    assertEquals(OpFamily.INITIALIZATION, OpFamily.of("aten::uniform_"));
    assertEquals(OpFamily.OTHER, OpFamily.of("aten::add"));
  }
}
