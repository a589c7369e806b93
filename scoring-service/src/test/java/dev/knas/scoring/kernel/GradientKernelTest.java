package dev.knas.scoring.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.SyntheticImages;
import dev.knas.space.nb201.Nb201Architecture;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The batched production path against the per-sample oracle, on generated data (no files needed). */
class GradientKernelTest {

  private static final Dataset DATA = SyntheticImages.create();

  private static KernelResult compute(Nb201Architecture cell, int n, Precision precision, boolean perSample) {
    return GradientKernelScorer.compute(new KernelRequest(cell, DATA, n, 11, Device.cpu(), precision, perSample));
  }

  /** Index 1 (convs, pooling, skips), index 3 (no convs, none edges) and a conv fed by an always-zero node. */
  @ParameterizedTest
  @ValueSource(strings = {"1", "3",
      "|none~0|+|skip_connect~0|nor_conv_3x3~1|+|nor_conv_1x1~0|avg_pool_3x3~1|skip_connect~2|"})
  void batchedPathEqualsThePerSampleDefinitionInFloat64(String arch) {
    Nb201Architecture cell = Nb201Architecture.fromIndexOrString(arch);
    KernelResult batched = compute(cell, 6, Precision.FLOAT64, false);
    KernelResult perSample = compute(cell, 6, Precision.FLOAT64, true);
    assertEquals(perSample.mgm(), batched.mgm(), 1e-9 * Math.abs(perSample.mgm()));
    assertEquals(perSample.meanLoss(), batched.meanLoss(), 1e-12);
    assertArrayEquals(perSample.sampleIndices(), batched.sampleIndices());
  }

  @Test
  void chunkedBatchesAddUpToTheSameKernel() {
    Nb201Architecture cell = Nb201Architecture.fromIndex(3);
    int n = GradientKernel.MAX_CHUNK + 6;
    KernelResult batched = compute(cell, n, Precision.FLOAT64, false);
    KernelResult perSample = compute(cell, n, Precision.FLOAT64, true);
    assertEquals(perSample.mgm(), batched.mgm(), 1e-9 * Math.abs(perSample.mgm()));
  }

  @Test
  void gramMatrixIsSymmetricWithMeanMgmAndNormsOnItsDiagonal() {
    KernelResult result = compute(Nb201Architecture.fromIndex(1), 5, Precision.FLOAT32, true);
    double[][] gram = result.gram().orElseThrow().matrix();
    double[] norms = result.gram().orElseThrow().norms();
    double sum = 0;
    for (int i = 0; i < 5; i++) {
      assertEquals(Math.sqrt(gram[i][i]), norms[i], 1e-9 * norms[i]);
      for (int j = 0; j < 5; j++) {
        assertEquals(gram[i][j], gram[j][i], 1e-5 * Math.abs(gram[i][i]));
        sum += gram[i][j];
      }
    }
    assertEquals(sum / 25, result.mgm(), 1e-9 * Math.abs(result.mgm()));
  }

  @Test
  void sameSeedSameValueOtherSeedOtherValue() {
    Nb201Architecture cell = Nb201Architecture.fromIndex(1);
    KernelRequest a = new KernelRequest(cell, DATA, 8, 5, Device.cpu(), Precision.FLOAT32, false);
    KernelRequest b = new KernelRequest(cell, DATA, 8, 6, Device.cpu(), Precision.FLOAT32, false);
    assertEquals(GradientKernelScorer.compute(a).mgm(), GradientKernelScorer.compute(a).mgm());
    assertTrue(GradientKernelScorer.compute(a).mgm() != GradientKernelScorer.compute(b).mgm());
  }

  @Test
  void samplesAreDistinctAndSeeded() {
    int[] chosen = GradientKernelScorer.chooseSamples(100, 50, 3);
    assertEquals(50, Arrays.stream(chosen).distinct().count());
    assertTrue(Arrays.stream(chosen).allMatch(i -> i >= 0 && i < 100));
    assertArrayEquals(chosen, GradientKernelScorer.chooseSamples(100, 50, 3));
  }
}
