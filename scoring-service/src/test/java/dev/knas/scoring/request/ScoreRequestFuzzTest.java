package dev.knas.scoring.request;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.knas.scoring.proxy.ProxyRegistry;
import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.CellEdges;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ShortTrainingOptions;
import dev.knas.v1.ZeroCostOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes request resolution with requests built field by field: every architecture form, fidelity and option,
 * numbers at the contract's limits, past them and past 2^31 (uint32 fields read as negative ints), doubles that
 * are NaN, infinite or negative, names that are known, near misses or arbitrary. See {@link ResolutionProperty}
 * for what must hold, docs/development/testing.md for how to fuzz. The seeds are fuzzer inputs: what one builds follows the
 * order in which {@link #request} consumes it, so reordering that changes what the seeds test.
 */
class ScoreRequestFuzzTest {

  /** uint32 values as Java holds them: the limits and their neighbours, then 2^31 - 1, 2^31, 2^32 - 2, 2^32 - 1. */
  private static final int[] UINT32_EDGES = {0, 1, 2, 15, 16, 17, 50, 64, 128, 129, 200, 201, 256, 257, 1024, 1025,
      4_000, 4_999, 5_000, 5_001, 10_000, 15_624, 15_625, Integer.MAX_VALUE, Integer.MIN_VALUE, -2, -1};
  private static final double[] DOUBLE_EDGES = {0, -0.0, Double.MIN_VALUE, 1e-300, 0.1, 0.9, 0.999_999, 1, -1, 1e300,
      Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
  private static final String[] DATASETS =
      {"", "synthetic", "fashion-mnist", "cifar10", "cifar100", "imagenet16-120", "Synthetic", " synthetic"};
  private static final String[] DEVICES =
      {"", "auto", "cpu", " CPU ", "gpu", "gpu:0", "gpu:1", "gpu:2", "gpu:-1", "gpu:99999999999", "tpu"};
  private static final String[] PROXIES = Stream.concat(ProxyRegistry.all().stream().map(ZeroCostProxy::name),
      Stream.of("", "MGM", "mgm ")).toArray(String[]::new);

  @TempDir
  static Path files;

  private static List<RequestResolver> resolvers;

  @BeforeAll
  static void resolvers() throws IOException {
    resolvers = ResolverFixture.resolvers(files);
  }

  @FuzzTest(maxDuration = "30s")
  void builtRequestsResolveOrAreRefused(FuzzedDataProvider data) {
    ScoreArchitectureRequest request = request(data);
    for (RequestResolver resolver : resolvers) {
      ResolutionProperty.assertResolvesOrRefuses(resolver, request);
    }
  }

  private static ScoreArchitectureRequest request(FuzzedDataProvider data) {
    ScoreArchitectureRequest.Builder request = ScoreArchitectureRequest.newBuilder();
    switch (data.consumeInt(0, 4)) {
      case 0 -> { } // no architecture: required
      case 1 -> request.setArchitecture(Architecture.getDefaultInstance()); // present, but no form set
      case 2 -> request.setArchitecture(Architecture.newBuilder().setNb201String(data.consumeBoolean()
          ? Nb201Architecture.fromIndex(data.consumeInt(0, Nb201Architecture.COUNT - 1)).toBenchmarkString()
          : data.consumeString(120)));
      case 3 -> request.setArchitecture(Architecture.newBuilder().setNb201Index(uint32(data)));
      default -> {
        CellEdges.Builder edges = CellEdges.newBuilder();
        int count = data.consumeInt(0, 8);
        for (int i = 0; i < count; i++) {
          edges.addOpsValue(data.consumeBoolean() ? data.consumeInt(0, 5) : data.consumeInt());
        }
        request.setArchitecture(Architecture.newBuilder().setEdges(edges));
      }
    }
    // Fidelity, precision and augmentation: every known value, and one past each end.
    request.setFidelityValue(data.consumeInt(-1, Fidelity.values().length));
    request.setOptions(EvaluationOptions.newBuilder()
        .setDataset(nameOrAny(data, DATASETS))
        .setSeed(data.consumeLong())
        .setDevice(nameOrAny(data, DEVICES))
        .setPrecisionValue(data.consumeInt(-1, 3)));
    request.setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(uint32(data)));
    ShortTrainingOptions.Builder training = ShortTrainingOptions.newBuilder()
        .setEpochs(uint32(data))
        .setBatchSize(uint32(data))
        .setLearningRate(real(data))
        .setTrainSize(uint32(data))
        .setHeldOutSize(uint32(data))
        .setAugmentationValue(data.consumeInt(-1, 3));
    if (data.consumeBoolean()) {
      training.setMomentum(real(data));
    }
    if (data.consumeBoolean()) {
      training.setWeightDecay(real(data));
    }
    request.setShortTraining(training);
    ZeroCostOptions.Builder zeroCost = ZeroCostOptions.newBuilder().setBatchSize(uint32(data));
    int proxies = data.consumeInt(0, RequestLimits.MAX_PROXIES + 2);
    for (int i = 0; i < proxies; i++) {
      zeroCost.addProxies(nameOrAny(data, PROXIES));
    }
    request.setZeroCost(zeroCost);
    return request.build();
  }

  private static int uint32(FuzzedDataProvider data) {
    return data.consumeBoolean() ? data.pickValue(UINT32_EDGES) : data.consumeInt();
  }

  private static double real(FuzzedDataProvider data) {
    return data.consumeBoolean() ? data.pickValue(DOUBLE_EDGES) : data.consumeDouble();
  }

  private static String nameOrAny(FuzzedDataProvider data, String[] names) {
    return data.consumeBoolean() ? data.pickValue(names) : data.consumeString(40);
  }
}
