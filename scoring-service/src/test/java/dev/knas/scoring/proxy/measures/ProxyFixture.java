package dev.knas.scoring.proxy.measures;

import ai.djl.Device;
import dev.knas.scoring.conformance.ConformanceCase;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.data.ImageShape;
import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.network.ParameterInit;
import dev.knas.scoring.proxy.ProxyInputs;
import dev.knas.scoring.proxy.ProxyOutcome;
import dev.knas.scoring.proxy.ProxyRegistry;
import dev.knas.scoring.proxy.ProxyRequest;
import dev.knas.scoring.proxy.ProxyScorer;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Small computations of one proxy for the measures' unit tests: the generated data set, B = 8, n = 8. */
final class ProxyFixture {

  static final int BATCH = 8;
  static final Nb201Architecture INDEX_1 = Nb201Architecture.fromIndex(1);
  static final Nb201Architecture ALL_CONV3 = Nb201Architecture.parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  /** Every edge `none`: the output depends neither on the input nor on any weight. */
  static final Nb201Architecture EMPTY = Nb201Architecture.parse(
      "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");

  private ProxyFixture() {}

  /** The proxy's outcome on the canonical form of {@code cell}, seeded initialisation and images. */
  static ProxyOutcome outcome(String proxy, Nb201Architecture cell, long seed, Precision precision) {
    ProxyRequest request = new ProxyRequest(CanonicalForm.of(cell),
        new DatasetCatalog(Optional.empty(), Optional.empty(), Optional.empty()).get("synthetic"),
        List.of(ProxyRegistry.named(proxy).orElseThrow()), BATCH, BATCH, seed, Device.cpu(), precision);
    return ProxyScorer.compute(request, OpenTelemetry.noop().getTracer("test")).outcomes().get(0);
  }

  static double value(String proxy, Nb201Architecture cell) {
    ProxyOutcome outcome = outcome(proxy, cell, 0, Precision.FLOAT64);
    return outcome.value().orElseThrow(() -> new AssertionError(proxy + ": " + outcome.error()));
  }

  /** The proxy on two mini-batches that are both {@code BATCH} copies of one image. */
  static ProxyOutcome onIdenticalImages(String proxy, Nb201Architecture cell) {
    double[] one = ConformanceCase.images(1);
    double[] images = new double[2 * BATCH * one.length];
    for (int i = 0; i < 2 * BATCH; i++) {
      System.arraycopy(one, 0, images, i * one.length, one.length);
    }
    int[] labels = new int[2 * BATCH];
    ProxyInputs inputs = new ProxyInputs(CanonicalForm.of(cell), new ImageShape(3, 32, 32), 10, Precision.FLOAT64,
        ParameterInit.kaimingUniform(0), BATCH, images, labels, Arrays.copyOf(images, one.length), new int[1]);
    return ProxyScorer.evaluate(inputs, List.of(ProxyRegistry.named(proxy).orElseThrow()), Device.cpu())
        .outcomes().get(0);
  }
}
