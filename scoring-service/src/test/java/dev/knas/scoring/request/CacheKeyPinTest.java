package dev.knas.scoring.request;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The cache keys of a few requests, pinned to the values the service has always computed: a store written by an
 * earlier version must still answer them. A change here orphans every stored score; bump the key's format or
 * definition version on purpose instead.
 */
class CacheKeyPinTest {

  private final RequestResolver cpu = new RequestResolver(new DatasetCatalog(Optional.empty(), Optional.empty(),
      Optional.empty()), "synthetic", new DeviceSelection(0, "test engine"), Optional.empty());
  private final RequestResolver gpu = new RequestResolver(new DatasetCatalog(Optional.empty(), Optional.empty(),
      Optional.empty()), "synthetic", new DeviceSelection(1, "test engine"), Optional.empty());

  private static final ScoreArchitectureRequest BASE = ScoreArchitectureRequest.newBuilder()
      .setArchitecture(Architecture.newBuilder().setNb201String(
          "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|"))
      .setOptions(EvaluationOptions.newBuilder().setSeed(7))
      .build();

  private static String key(RequestResolver resolver, ScoreArchitectureRequest request) {
    return CacheKeys.hash(resolver.cacheKey(request));
  }

  private record Pinned(String what, RequestResolver resolver, ScoreArchitectureRequest request, String key) {}

  private List<Pinned> pinned() {
    ScoreArchitectureRequest training = BASE.toBuilder().setFidelity(Fidelity.FIDELITY_SHORT_TRAINING).build();
    ScoreArchitectureRequest zeroCost = BASE.toBuilder().setFidelity(Fidelity.FIDELITY_ZERO_COST)
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(12)).build();
    List<Pinned> pinned = new ArrayList<>(List.of(
        new Pinned("kernel, defaults", cpu, BASE, "4d7a23ce5097f82add5a4e740f7bf2b08e7b45a45f1a4104ad81aae47e8937b2"),
        new Pinned("kernel, float64, n = 8", cpu, BASE.toBuilder().setFidelity(Fidelity.FIDELITY_GRADIENT_KERNEL)
            .setOptions(BASE.getOptions().toBuilder().setPrecision(Precision.PRECISION_FLOAT64))
            .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(8)).build(),
            "5a4c7f4a2e60cfb9a47df637f85b0712d0ddd06b7fc2ac15a49a6d72567daa1f"),
        new Pinned("kernel on a GPU", gpu, BASE.toBuilder()
            .setOptions(BASE.getOptions().toBuilder().setDevice("gpu:0")).build(),
            "9e9a2ac1252919217d41578cf594f88d0eb0ce6b3b8c3ae0529e3eecb4ed2186"),
        new Pinned("training, defaults", cpu, training,
            "2451998ea27f65dd15ac196c4fed0d8309f0b90cc2ab6abc008697134aa58af3"),
        new Pinned("training, every option", cpu, training.toBuilder()
            .setShortTraining(ShortTrainingOptions.newBuilder().setEpochs(3).setBatchSize(64).setLearningRate(0.05)
                .setMomentum(0).setWeightDecay(1e-4).setTrainSize(100).setHeldOutSize(20)
                .setAugmentation(Augmentation.AUGMENTATION_CROP_FLIP)).build(),
            "c160912c665dd78e45b1002bbaaae7e2c9b454927cf7a2acc15637dde2c3b731")));
    // Each proxy's key holds only the options its value depends on: seed, batch, n and precision vary by proxy.
    Map<String, String> proxies = new LinkedHashMap<>();
    proxies.put("synflow", "4403c00662b1cb5aa9f14489e8519447a00ea0b907f131207e7c1c7ab1f8c127");
    proxies.put("params", "fec6072f70d5c07f2b0b222006814235c09f50fb6284308efef090f51f483f06");
    proxies.put("mgm", "5d5fb366790610f07f8118b2fcf91a804e39f292da4e68c292e2e1e730c045ed");
    proxies.put("zico", "73e74df517b4b1e5feaccb51b19828bfa42af5a540e776de1a938567e01e27cc");
    proxies.put("naswot", "dc642f430310c9e095cd03362b722169bfe323f15dc932ff84e7e0e9b5e26c5f");
    proxies.put("snip", "e5548151f945c5e9ad2be7cbb66ad86b531c709099b4acb3fdc43baeb0e3ac2c");
    proxies.forEach((proxy, key) -> pinned.add(new Pinned("zero-cost " + proxy, cpu, zeroCost.toBuilder()
        .setZeroCost(ZeroCostOptions.newBuilder().addProxies(proxy).setBatchSize(16)).build(), key)));
    return pinned;
  }

  @Test
  void keysAreWhatTheyHaveAlwaysBeen() {
    for (Pinned p : pinned()) {
      assertEquals(p.key(), key(p.resolver(), p.request()), p.what());
    }
  }
}
