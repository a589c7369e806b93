package dev.knas.scoring.server;

import ai.djl.Device;
import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.data.DatasetException;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.scoring.device.DeviceUnavailableException;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelRequest;
import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyRegistry;
import dev.knas.scoring.proxy.ProxyRequest;
import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.contract.ArchitectureForms;
import dev.knas.space.CanonicalForm;
import dev.knas.space.Nb201Architecture;
import dev.knas.scoring.benchmark.BenchmarkDataset;
import dev.knas.scoring.benchmark.BenchmarkTable;
import dev.knas.scoring.data.Cifar10;
import dev.knas.scoring.network.Nb201ParameterCount;
import dev.knas.scoring.training.ShortTraining;
import dev.knas.scoring.training.TrainingRecipe;
import dev.knas.scoring.training.TrainingRequest;
import dev.knas.v1.Architecture;
import dev.knas.v1.Augmentation;
import dev.knas.v1.CacheKey;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ShortTrainingOptions;
import dev.knas.v1.ZeroCostOptions;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns request messages into validated computations, filling in every default. Each refusal is a
 * {@link RequestException} naming the request field and the reason.
 */
final class RequestResolver {

  static final int DEFAULT_SAMPLES = 50;
  /** Largest n for MGM alone: the batched path runs in chunks, so this bounds time, not memory. */
  static final int MAX_SAMPLES = 1024;
  /** Largest n when the n per-sample gradients are kept (n x parameters values) for the Gram matrix. */
  static final int MAX_SAMPLES_PER_SAMPLE_GRADIENTS = 128;
  static final int DEFAULT_EPOCHS = 12;
  static final int MAX_EPOCHS = 200;
  static final int DEFAULT_BATCH_SIZE = 256;
  /** Bounds the memory of one training step. */
  static final int MAX_BATCH_SIZE = 1024;
  static final double DEFAULT_LEARNING_RATE = 0.1;
  /** Below it float32 SGD steps vanish; above it training only diverges. */
  static final double MIN_LEARNING_RATE = 1e-6;
  static final double MAX_LEARNING_RATE = 10;
  static final double MAX_WEIGHT_DECAY = 1;
  /**
   * Image passes (epochs x training images) one training may ask for unless the service says otherwise: 20
   * epochs of CIFAR-10's 50,000 training images, well above the default recipe (12 epochs of 40,000).
   */
  static final long DEFAULT_MAX_TRAINING_IMAGES = 1_000_000;
  static final double DEFAULT_MOMENTUM = 0.9;
  static final double DEFAULT_WEIGHT_DECAY = 5e-4;
  static final int MAX_DEFAULT_HELD_OUT = 10_000;
  /** The data set benchmark lookups use when the request names none. */
  static final String DEFAULT_BENCHMARK_DATASET = "cifar10";
  /** B, the zero-cost proxies' mini-batch, when the request names none. */
  static final int DEFAULT_PROXY_BATCH = 64;
  /** Bounds naswot's and jacov's B x B matrices and the memory of one batched pass. */
  static final int MAX_PROXY_BATCH = 256;
  /** Proxies in one request (more than every registered one is a mistake, and bounds the work). */
  static final int MAX_PROXIES = 16;

  private final DatasetCatalog datasets;
  private final String defaultDataset;
  private final DeviceSelection devices;
  private final Optional<BenchmarkTable> benchmark;
  private final long maxTrainingImages;

  /** With the default training budget. */
  RequestResolver(DatasetCatalog datasets, String defaultDataset, DeviceSelection devices,
      Optional<BenchmarkTable> benchmark) {
    this(datasets, defaultDataset, devices, benchmark, DEFAULT_MAX_TRAINING_IMAGES);
  }

  /** @param maxTrainingImages the most image passes (epochs x training images) one training may ask for */
  RequestResolver(DatasetCatalog datasets, String defaultDataset, DeviceSelection devices,
      Optional<BenchmarkTable> benchmark, long maxTrainingImages) {
    this.datasets = datasets;
    this.defaultDataset = defaultDataset;
    this.devices = devices;
    this.benchmark = benchmark;
    this.maxTrainingImages = maxTrainingImages;
  }

  /** A validated ScoreArchitecture request at one of the fidelities. */
  sealed interface Resolved permits ResolvedKernel, ResolvedTraining, ResolvedBenchmark, ResolvedZeroCost {
    Nb201Architecture requested();
  }

  /**
   * A kernel computation (on the canonical form of the {@code requested} cell), the effective options it runs
   * with, and the cache key of its value.
   */
  record ResolvedKernel(Nb201Architecture requested, KernelRequest request, EvaluationOptions effectiveOptions,
      GradientKernelOptions effectiveKernelOptions, CacheKey cacheKey) implements Resolved {}

  /** A short training (of the canonical form), its effective options and the cache key of its result. */
  record ResolvedTraining(Nb201Architecture requested, TrainingRequest request, EvaluationOptions effectiveOptions,
      ShortTrainingOptions effectiveTraining, CacheKey cacheKey) implements Resolved {}

  /** A benchmark lookup: the table row of the requested architecture itself, and the metric answered. */
  record ResolvedBenchmark(Nb201Architecture requested, String dataset, BenchmarkTable.Row row, String metric,
      double value, long parameterCount, Path table) implements Resolved {}

  /**
   * Zero-cost proxies of one architecture, computed together on its canonical form; each proxy with the cache
   * key and options of its own value.
   */
  record ResolvedZeroCost(Nb201Architecture requested, ProxyRequest request, List<ResolvedProxy> proxies)
      implements Resolved {}

  /**
   * One proxy of a {@link ResolvedZeroCost}: its cache key holds only the options its value depends on.
   *
   * @param effectiveOptions the request's options with the precision the proxy computes in
   * @param effectiveZeroCost the proxy's name and the batch size it uses (0 when it uses none)
   * @param effectiveKernel n, for mgm; else unset
   */
  record ResolvedProxy(ZeroCostProxy proxy, CacheKey cacheKey, EvaluationOptions effectiveOptions,
      ZeroCostOptions effectiveZeroCost, GradientKernelOptions effectiveKernel) {}

  /** The cache key of what {@code request} asks for; benchmark lookups have none. */
  CacheKey cacheKey(ScoreArchitectureRequest request) {
    Resolved resolved = score(request);
    if (resolved instanceof ResolvedKernel k) {
      return k.cacheKey();
    }
    if (resolved instanceof ResolvedTraining t) {
      return t.cacheKey();
    }
    if (resolved instanceof ResolvedZeroCost z) {
      if (z.proxies().size() != 1) {
        throw RequestException.invalid("request.zero_cost.proxies", "name exactly one proxy to look up");
      }
      return z.proxies().get(0).cacheKey();
    }
    throw RequestException.invalid("request.fidelity", "benchmark values are table lookups and are not cached");
  }

  Resolved score(ScoreArchitectureRequest request) {
    return switch (request.getFidelity()) {
      case FIDELITY_UNSPECIFIED, FIDELITY_GRADIENT_KERNEL -> kernel(request.hasArchitecture(),
          request.getArchitecture(), request.getOptions(), request.getGradientKernel(), false);
      case FIDELITY_SHORT_TRAINING -> training(request.hasArchitecture(), request.getArchitecture(),
          request.getOptions(), request.getShortTraining(), "short_training");
      case FIDELITY_BENCHMARK -> benchmark(request.hasArchitecture(), request.getArchitecture(),
          request.getOptions());
      case FIDELITY_ZERO_COST -> zeroCost(request.hasArchitecture(), request.getArchitecture(),
          request.getOptions(), request.getZeroCost(), request.getGradientKernel());
      default -> throw RequestException.invalid("fidelity", "unknown value " + request.getFidelityValue());
    };
  }

  ResolvedKernel kernel(boolean hasArchitecture, Architecture architecture, EvaluationOptions options,
      GradientKernelOptions kernelOptions, boolean perSampleGradients) {
    Nb201Architecture requested = required(hasArchitecture, architecture);
    Common common = common(options);
    int samples = kernelSamples(kernelOptions, perSampleGradients, common);
    Nb201Architecture canonical = CanonicalForm.of(requested);
    CacheKey key = common.key(GradientKernelScorer.DEFINITION_VERSION, Fidelity.FIDELITY_GRADIENT_KERNEL,
        canonical).setNumSamples(samples).build();
    return new ResolvedKernel(requested, new KernelRequest(canonical, common.dataset(), samples, options.getSeed(),
        common.device(), common.precision(), perSampleGradients), common.effective(),
        GradientKernelOptions.newBuilder().setNumSamples(samples).build(), key);
  }

  /** n of the gradient kernel, validated against its limit and the data set's training split. */
  private int kernelSamples(GradientKernelOptions kernelOptions, boolean perSampleGradients, Common common) {
    long samples = kernelOptions.getNumSamples() == 0 ? DEFAULT_SAMPLES
        : Integer.toUnsignedLong(kernelOptions.getNumSamples());
    int limit = perSampleGradients ? MAX_SAMPLES_PER_SAMPLE_GRADIENTS : MAX_SAMPLES;
    if (samples > limit) {
      throw RequestException.invalid("gradient_kernel.num_samples", samples + " exceeds the limit of " + limit
          + (perSampleGradients ? " when the Gram matrix or gradient norms are requested" : ""));
    }
    int trainSize = trainSize(common.dataset());
    if (samples > trainSize) {
      throw RequestException.invalid("gradient_kernel.num_samples", samples + " exceeds the " + trainSize
          + " images of " + common.dataset().name() + "'s training split");
    }
    return (int) samples;
  }

  /**
   * A uint32 field read as the unsigned number it is (Java reads 2^31 and above as negative): {@code fallback}
   * when unset (0), else refused unless within [{@code min}, {@code max}].
   */
  private static long unsigned(int raw, long fallback, long min, long max, String field) {
    long value = raw == 0 ? fallback : Integer.toUnsignedLong(raw);
    if (value < min || value > max) {
      throw RequestException.invalid(field, value + (value > max ? " exceeds the limit of " + max
          : " is below the minimum of " + min));
    }
    return value;
  }

  /**
   * A short training; {@code field} is the name of the training options' field in the request (for messages).
   */
  ResolvedTraining training(boolean hasArchitecture, Architecture architecture, EvaluationOptions options,
      ShortTrainingOptions training, String field) {
    Nb201Architecture requested = required(hasArchitecture, architecture);
    int epochs = (int) unsigned(training.getEpochs(), DEFAULT_EPOCHS, 1, MAX_EPOCHS, field + ".epochs");
    int batchSize = (int) unsigned(training.getBatchSize(), DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE,
        field + ".batch_size");
    double learningRate = training.getLearningRate() == 0 ? DEFAULT_LEARNING_RATE : training.getLearningRate();
    if (!(learningRate >= MIN_LEARNING_RATE && learningRate <= MAX_LEARNING_RATE)) {
      throw RequestException.invalid(field + ".learning_rate", learningRate + " is not in [" + MIN_LEARNING_RATE
          + ", " + MAX_LEARNING_RATE + "]");
    }
    double momentum = training.hasMomentum() ? training.getMomentum() : DEFAULT_MOMENTUM;
    if (!(momentum >= 0 && momentum < 1)) {
      throw RequestException.invalid(field + ".momentum", momentum + " is not in [0, 1)");
    }
    double weightDecay = training.hasWeightDecay() ? training.getWeightDecay() : DEFAULT_WEIGHT_DECAY;
    if (!(weightDecay >= 0 && weightDecay <= MAX_WEIGHT_DECAY)) {
      throw RequestException.invalid(field + ".weight_decay", weightDecay + " is not in [0, " + MAX_WEIGHT_DECAY
          + "]");
    }
    Common common = common(options);
    int available = trainSize(common.dataset());
    long heldOut = training.getHeldOutSize() != 0 ? Integer.toUnsignedLong(training.getHeldOutSize())
        : Math.min(MAX_DEFAULT_HELD_OUT, available / 5);
    if (heldOut >= available) {
      throw RequestException.invalid(field + ".held_out_size", heldOut + " leaves none of the " + available
          + " images of " + common.dataset().name() + "'s training split to train on");
    }
    long trainSize = training.getTrainSize() != 0 ? Integer.toUnsignedLong(training.getTrainSize())
        : available - heldOut;
    if (trainSize + heldOut > available) {
      throw RequestException.invalid(field + ".train_size", trainSize + " training plus " + heldOut
          + " held-out images exceed the " + available + " images of " + common.dataset().name()
          + "'s training split");
    }
    if ((long) epochs * trainSize > maxTrainingImages) {
      throw RequestException.invalid(field + ".epochs", epochs + " epochs of " + trainSize + " images ("
          + (long) epochs * trainSize + " image passes) exceed this service's training budget of "
          + maxTrainingImages + " per request; train fewer epochs or on fewer images");
    }
    Augmentation augmentation = switch (training.getAugmentation()) {
      case AUGMENTATION_UNSPECIFIED -> common.dataset().name().equals(Cifar10.NAME)
          ? Augmentation.AUGMENTATION_CROP_FLIP : Augmentation.AUGMENTATION_NONE;
      case AUGMENTATION_NONE, AUGMENTATION_CROP_FLIP -> training.getAugmentation();
      default -> throw RequestException.invalid(field + ".augmentation",
          "unknown value " + training.getAugmentationValue());
    };
    ShortTrainingOptions effective = ShortTrainingOptions.newBuilder().setEpochs(epochs).setBatchSize(batchSize)
        .setLearningRate(learningRate).setTrainSize((int) trainSize).setHeldOutSize((int) heldOut)
        .setMomentum(momentum)
        .setWeightDecay(weightDecay).setAugmentation(augmentation).build();
    Nb201Architecture canonical = CanonicalForm.of(requested);
    CacheKey key = common.key(ShortTraining.DEFINITION_VERSION, Fidelity.FIDELITY_SHORT_TRAINING, canonical)
        .setShortTraining(effective).build();
    TrainingRecipe recipe = new TrainingRecipe(epochs, batchSize, learningRate, momentum, weightDecay,
        (int) trainSize, (int) heldOut, augmentation == Augmentation.AUGMENTATION_CROP_FLIP);
    return new ResolvedTraining(requested, new TrainingRequest(canonical, common.dataset(), recipe,
        options.getSeed(), common.device(), common.precision()), common.effective(), effective, key);
  }

  ResolvedZeroCost zeroCost(boolean hasArchitecture, Architecture architecture, EvaluationOptions options,
      ZeroCostOptions zeroCost, GradientKernelOptions kernelOptions) {
    Nb201Architecture requested = required(hasArchitecture, architecture);
    List<ZeroCostProxy> proxies = proxies(zeroCost);
    long batch = zeroCost.getBatchSize() == 0 ? DEFAULT_PROXY_BATCH : Integer.toUnsignedLong(zeroCost.getBatchSize());
    if (batch > MAX_PROXY_BATCH) {
      throw RequestException.invalid("zero_cost.batch_size", batch + " exceeds the limit of " + MAX_PROXY_BATCH);
    }
    Common common = common(options);
    int trainSize = trainSize(common.dataset());
    boolean twoBatches = proxies.stream().anyMatch(p -> p.needs().contains(Need.SECOND_BATCH_GRADIENTS));
    long images = proxies.stream().anyMatch(ZeroCostProxy::usesBatch) ? batch * (twoBatches ? 2 : 1) : 0;
    if (images > trainSize) {
      throw RequestException.invalid("zero_cost.batch_size", batch + (twoBatches ? " x 2 images (zico uses two"
          + " disjoint batches)" : " images") + " exceed the " + trainSize + " images of "
          + common.dataset().name() + "'s training split");
    }
    boolean kernel = proxies.stream().anyMatch(p -> p.needs().contains(Need.KERNEL_SAMPLES));
    int samples = kernel ? kernelSamples(kernelOptions, false, common) : 0;
    Nb201Architecture canonical = CanonicalForm.of(requested);
    List<ResolvedProxy> resolved = new ArrayList<>();
    for (ZeroCostProxy proxy : proxies) {
      dev.knas.v1.Precision precision = proxy.fixedPrecision()
          .map(p -> p == Precision.FLOAT64 ? dev.knas.v1.Precision.PRECISION_FLOAT64
              : dev.knas.v1.Precision.PRECISION_FLOAT32)
          .orElse(common.effective().getPrecision());
      int proxyBatch = proxy.usesBatch() ? (int) batch : 0;
      CacheKey.Builder key = common.key(proxy.definitionVersion(), Fidelity.FIDELITY_ZERO_COST, canonical)
          .setProxy(proxy.name())
          .setBatchSize(proxyBatch)
          .setSeed(proxy.usesSeed() ? common.effective().getSeed() : 0)
          .setPrecision(proxy.usesPrecision() || proxy.fixedPrecision().isPresent() ? precision
              : dev.knas.v1.Precision.PRECISION_UNSPECIFIED);
      GradientKernelOptions effectiveKernel = GradientKernelOptions.getDefaultInstance();
      if (proxy.needs().contains(Need.KERNEL_SAMPLES)) {
        key.setNumSamples(samples);
        effectiveKernel = GradientKernelOptions.newBuilder().setNumSamples(samples).build();
      }
      resolved.add(new ResolvedProxy(proxy, key.build(), common.effective().toBuilder().setPrecision(precision)
          .build(), ZeroCostOptions.newBuilder().addProxies(proxy.name()).setBatchSize(proxyBatch).build(),
          effectiveKernel));
    }
    return new ResolvedZeroCost(requested, new ProxyRequest(canonical, common.dataset(), proxies, (int) batch,
        samples, options.getSeed(), common.device(), common.precision()), resolved);
  }

  /** The requested proxies, each known and named once. */
  private static List<ZeroCostProxy> proxies(ZeroCostOptions zeroCost) {
    List<String> names = zeroCost.getProxiesList();
    if (names.isEmpty()) {
      throw RequestException.invalid("zero_cost.proxies", "name at least one proxy; known: "
          + ProxyRegistry.names());
    }
    if (names.size() > MAX_PROXIES) {
      throw RequestException.invalid("zero_cost.proxies", names.size() + " names exceed the limit of "
          + MAX_PROXIES);
    }
    List<ZeroCostProxy> proxies = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      ZeroCostProxy proxy = ProxyRegistry.named(name).orElseThrow(() -> RequestException.invalid(
          "zero_cost.proxies", "unknown proxy '" + name + "'; known: " + ProxyRegistry.names()));
      if (proxies.contains(proxy)) {
        throw RequestException.invalid("zero_cost.proxies", "'" + name + "' is named twice");
      }
      proxies.add(proxy);
    }
    return proxies;
  }

  ResolvedBenchmark benchmark(boolean hasArchitecture, Architecture architecture, EvaluationOptions options) {
    BenchmarkTable table = benchmark.orElseThrow(() -> RequestException.failedPrecondition("fidelity",
        "FIDELITY_BENCHMARK needs NAS-Bench-201's table, and this service has none: start it with"
            + " --benchmark-table FILE, or with --data-dir (or KNAS_DATA_DIR) holding nb201/nb201_accuracy.csv"));
    Nb201Architecture requested = required(hasArchitecture, architecture);
    String dataset = options.getDataset().isEmpty() ? DEFAULT_BENCHMARK_DATASET : options.getDataset();
    if (!table.datasets().contains(dataset)) {
      throw RequestException.invalid("options.dataset", "the benchmark table has no results for '" + dataset
          + "'; it has " + String.join(", ", table.datasets()));
    }
    BenchmarkTable.Row row = table.row(requested.index()).orElseThrow(() -> new RequestException(
        Status.NOT_FOUND.withDescription("architecture: index " + requested.index()
            + " is not in this service's benchmark table " + table.path().getFileName())));
    boolean validated = row.validationAccuracy().containsKey(dataset);
    Double value = validated ? row.validationAccuracy().get(dataset) : row.testAccuracy().get(dataset);
    if (value == null) {
      throw new RequestException(Status.NOT_FOUND.withDescription("options.dataset: the benchmark table records"
          + " no accuracy of index " + requested.index() + " on " + dataset));
    }
    long parameters = BenchmarkDataset.named(dataset)
        .map(d -> Nb201ParameterCount.of(requested, d.shape().channels(), d.classes())).orElse(0L);
    return new ResolvedBenchmark(requested, dataset, row, validated ? "validation_accuracy" : "test_accuracy",
        value, parameters, table.path());
  }

  /** The options every computed fidelity shares, validated, with the cache key fields they determine. */
  private record Common(Dataset dataset, Precision precision, Device device, EvaluationOptions effective) {
    CacheKey.Builder key(String definition, Fidelity fidelity, Nb201Architecture canonical) {
      return CacheKey.newBuilder()
          .setFormatVersion(CacheKeys.FORMAT_VERSION)
          .setDefinitionVersion(definition)
          .setFidelity(fidelity)
          .setCanonicalArchitecture(canonical.toBenchmarkString())
          .setDataset(dataset.name())
          .setDatasetFingerprint(fingerprint(dataset))
          .setSeed(effective.getSeed())
          .setPrecision(effective.getPrecision())
          .setDeviceKind(device.isGpu() ? "gpu" : "cpu");
    }
  }

  private Common common(EvaluationOptions options) {
    Precision precision = switch (options.getPrecision()) {
      case PRECISION_UNSPECIFIED, PRECISION_FLOAT32 -> Precision.FLOAT32;
      case PRECISION_FLOAT64 -> Precision.FLOAT64;
      default -> throw RequestException.invalid("options.precision", "unknown value " + options.getPrecisionValue());
    };
    String datasetName = options.getDataset().isEmpty() ? defaultDataset : options.getDataset();
    Dataset dataset = dataset(datasetName);
    Device device = device(options.getDevice());
    EvaluationOptions effective = options.toBuilder().setDataset(datasetName).setDevice(DeviceSelection.name(device))
        .setPrecision(precision == Precision.FLOAT64 ? dev.knas.v1.Precision.PRECISION_FLOAT64
            : dev.knas.v1.Precision.PRECISION_FLOAT32)
        .build();
    return new Common(dataset, precision, device, effective);
  }

  private static Nb201Architecture required(boolean hasArchitecture, Architecture architecture) {
    if (!hasArchitecture) {
      throw RequestException.invalid("architecture", "is required");
    }
    return architecture(architecture);
  }

  static Nb201Architecture architecture(Architecture architecture) {
    try {
      return ArchitectureForms.cell(architecture);
    } catch (IllegalArgumentException e) {
      throw RequestException.invalid(ArchitectureForms.field(architecture), e.getMessage());
    }
  }

  private Dataset dataset(String name) {
    try {
      return datasets.get(name);
    } catch (IllegalArgumentException e) {
      throw RequestException.invalid("options.dataset", e.getMessage());
    } catch (DatasetException e) {
      throw unavailable(e);
    }
  }

  private static int trainSize(Dataset dataset) {
    try {
      return dataset.train().size();
    } catch (DatasetException e) {
      throw unavailable(e);
    }
  }

  private static String fingerprint(Dataset dataset) {
    try {
      return dataset.fingerprint();
    } catch (DatasetException e) {
      throw unavailable(e);
    }
  }

  /** A data set the service cannot read: the client is told so, the log names the file and the damage. */
  private static RequestException unavailable(DatasetException e) {
    return new RequestException(StatusMapping.datasetUnavailable("request resolution", e));
  }

  private Device device(String name) {
    try {
      return devices.resolve(name);
    } catch (IllegalArgumentException e) {
      throw RequestException.invalid("options.device", e.getMessage());
    } catch (DeviceUnavailableException e) {
      throw RequestException.failedPrecondition("options.device", e.getMessage());
    }
  }
}
