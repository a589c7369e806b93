package dev.knas.scoring.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.v1.Architecture;
import dev.knas.v1.Augmentation;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.Precision;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ShortTrainingOptions;
import dev.knas.v1.ZeroCostOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every value-affecting option changes the cache key; nothing else does. */
class CacheKeySensitivityTest {

  @TempDir
  Path temp;

  private static final ScoreArchitectureRequest BASE = ScoreArchitectureRequest.newBuilder()
      .setArchitecture(Architecture.newBuilder().setNb201Index(1))
      .setOptions(EvaluationOptions.newBuilder().setDataset("synthetic").setSeed(4))
      .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(10))
      .build();

  private RequestResolver resolver;

  /**
   * The default data set is the generated one; Fashion-MNIST comes from small IDX files written here, so the
   * test needs no installed data set.
   */
  @BeforeEach
  void resolver() throws IOException {
    Path fashion = Files.createDirectories(temp.resolve("fashion-mnist"));
    ResolverFixture.writeIdx(fashion, "train", 16);
    ResolverFixture.writeIdx(fashion, "t10k", 4);
    resolver = new RequestResolver(new DatasetCatalog(Optional.empty(), Optional.empty(), Optional.of(fashion)),
        "synthetic", new DeviceSelection(0, "test engine"), Optional.empty());
  }

  private String key(RequestResolver r, ScoreArchitectureRequest request) {
    return CacheKeys.hash(r.cacheKey(request));
  }

  private String trainingKey(UnaryOperator<ShortTrainingOptions.Builder> change) {
    return key(r -> r.setFidelity(Fidelity.FIDELITY_SHORT_TRAINING)
        .setShortTraining(change.apply(ShortTrainingOptions.newBuilder())));
  }

  private String key(UnaryOperator<ScoreArchitectureRequest.Builder> change) {
    return key(resolver, change.apply(BASE.toBuilder()).build());
  }

  @Test
  void valueAffectingOptionsChangeTheKey() {
    List<String> keys = List.of(
        key(r -> r),
        key(r -> r.setArchitecture(Architecture.newBuilder().setNb201Index(2))),
        key(r -> r.setOptions(r.getOptions().toBuilder().setSeed(5))),
        key(r -> r.setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(11))),
        key(r -> r.setOptions(r.getOptions().toBuilder().setPrecision(Precision.PRECISION_FLOAT64))),
        key(r -> r.setOptions(r.getOptions().toBuilder().setDataset("fashion-mnist"))));
    Set<String> distinct = new HashSet<>(keys);
    assertEquals(keys.size(), distinct.size(), keys.toString());
  }

  @Test
  void defaultsAndNonAffectingChoicesKeepTheKey() {
    String base = key(r -> r);
    assertEquals(base, key(r -> r.setOptions(r.getOptions().toBuilder().setDevice("cpu"))));
    assertEquals(base, key(r -> r.setOptions(r.getOptions().toBuilder().setDevice("auto"))));
    assertEquals(base, key(r -> r.setOptions(r.getOptions().toBuilder().setDataset(""))));
    assertEquals(base, key(r -> r.setOptions(r.getOptions().toBuilder().setPrecision(Precision.PRECISION_FLOAT32))));
    assertEquals(base, key(r -> r.setArchitecture(Architecture.newBuilder().setNb201String(
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"))));
  }

  @Test
  void everyTrainingOptionChangesTheKey() {
    List<String> keys = List.of(
        key(r -> r),
        trainingKey(t -> t),
        trainingKey(t -> t.setEpochs(2)),
        trainingKey(t -> t.setBatchSize(128)),
        trainingKey(t -> t.setLearningRate(0.05)),
        trainingKey(t -> t.setTrainSize(100)),
        trainingKey(t -> t.setHeldOutSize(100)),
        trainingKey(t -> t.setMomentum(0)),
        trainingKey(t -> t.setWeightDecay(0)),
        trainingKey(t -> t.setAugmentation(Augmentation.AUGMENTATION_CROP_FLIP)));
    assertEquals(keys.size(), new HashSet<>(keys).size(), keys.toString());
  }

  @Test
  void trainingDefaultsSpelledOutKeepTheKey() {
    // The synthetic set has 5,000 training images: one fifth (1,000) is held out by default, 4,000 train.
    assertEquals(trainingKey(t -> t), trainingKey(t -> t.setEpochs(12).setBatchSize(256).setLearningRate(0.1)
        .setMomentum(0.9).setWeightDecay(5e-4).setTrainSize(4000).setHeldOutSize(1000)
        .setAugmentation(Augmentation.AUGMENTATION_NONE)));
    assertEquals(trainingKey(t -> t), key(r -> r.setFidelity(Fidelity.FIDELITY_SHORT_TRAINING)
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(33))));
  }

  private String proxyKey(String proxy, UnaryOperator<ScoreArchitectureRequest.Builder> change) {
    return key(r -> change.apply(r.setFidelity(Fidelity.FIDELITY_ZERO_COST)
        .setZeroCost(ZeroCostOptions.newBuilder().addProxies(proxy))));
  }

  @Test
  void aProxysKeyHoldsExactlyTheOptionsItsValueDependsOn() {
    UnaryOperator<ScoreArchitectureRequest.Builder> same = r -> r;
    UnaryOperator<ScoreArchitectureRequest.Builder> seed = r -> r.setOptions(r.getOptions().toBuilder().setSeed(9));
    UnaryOperator<ScoreArchitectureRequest.Builder> batch = r -> r.setZeroCost(r.getZeroCost().toBuilder()
        .setBatchSize(32));
    UnaryOperator<ScoreArchitectureRequest.Builder> float64 = r -> r.setOptions(r.getOptions().toBuilder()
        .setPrecision(Precision.PRECISION_FLOAT64));
    UnaryOperator<ScoreArchitectureRequest.Builder> samples = r -> r.setGradientKernel(
        GradientKernelOptions.newBuilder().setNumSamples(20));
    // params: the network's layout only.
    for (UnaryOperator<ScoreArchitectureRequest.Builder> change : List.of(seed, batch, float64, samples)) {
      assertEquals(proxyKey("params", same), proxyKey("params", change));
    }
    // naswot: seed, batch and precision, not MGM's n.
    for (UnaryOperator<ScoreArchitectureRequest.Builder> change : List.of(seed, batch, float64)) {
      assertNotEquals(proxyKey("naswot", same), proxyKey("naswot", change));
    }
    assertEquals(proxyKey("naswot", same), proxyKey("naswot", samples));
    // synflow: the seed's initialisation, always in float64, no batch.
    assertNotEquals(proxyKey("synflow", same), proxyKey("synflow", seed));
    assertEquals(proxyKey("synflow", same), proxyKey("synflow", batch));
    assertEquals(proxyKey("synflow", same), proxyKey("synflow", float64));
    // mgm: n, not the batch.
    assertNotEquals(proxyKey("mgm", same), proxyKey("mgm", samples));
    assertEquals(proxyKey("mgm", same), proxyKey("mgm", batch));
    // Each proxy has its own entry, apart from the gradient-kernel fidelity's.
    Set<String> keys = new HashSet<>(List.of(key(r -> r), proxyKey("mgm", same), proxyKey("params", same),
        proxyKey("flops", same), proxyKey("naswot", same), proxyKey("jacov", same)));
    assertEquals(6, keys.size());
  }

  @Test
  void equivalentArchitecturesShareTheKey() {
    String a = key(r -> r.setArchitecture(Architecture.newBuilder().setNb201String(
        "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|")));
    String b = key(r -> r.setArchitecture(Architecture.newBuilder().setNb201String(
        "|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|")));
    assertEquals(a, b);
  }

  @Test
  void theDatasetsContentsAreInTheKey() throws IOException {
    Path one = cifar(temp.resolve("one"), (byte) 1);
    Path two = cifar(temp.resolve("two"), (byte) 2);
    ScoreArchitectureRequest request = BASE.toBuilder()
        .setOptions(BASE.getOptions().toBuilder().setDataset("cifar10"))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(2)).build();
    String first = key(resolverFor(one), request);
    assertEquals(first, key(resolverFor(one), request));
    assertNotEquals(first, key(resolverFor(two), request));
  }

  private static RequestResolver resolverFor(Path cifar) {
    return new RequestResolver(new DatasetCatalog(Optional.empty(), Optional.of(cifar), Optional.empty()),
        "cifar10", new DeviceSelection(0, "test engine"), Optional.empty());
  }

  /** Six CIFAR files of two records each, every pixel {@code fill}. */
  private static Path cifar(Path dir, byte fill) throws IOException {
    Files.createDirectories(dir);
    byte[] records = new byte[2 * 3073];
    Arrays.fill(records, fill);
    records[0] = 0;
    records[3073] = 1;
    for (String name : List.of("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5",
        "test_batch")) {
      try (OutputStream out = Files.newOutputStream(dir.resolve(name + ".bin"))) {
        out.write(records);
      }
    }
    return dir;
  }
}
