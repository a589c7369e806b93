package dev.knas.scoring.request;

import dev.knas.scoring.benchmark.BenchmarkTable;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.v1.Architecture;
import dev.knas.v1.CacheKey;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ShortTrainingOptions;
import java.util.Optional;

/**
 * Turns request messages into validated computations, filling in every default: each fidelity by its own
 * resolver, within {@link RequestLimits}. Each refusal is a {@link RequestException} naming the request field and
 * the reason.
 */
public final class RequestResolver {

  private final KernelResolver kernel;
  private final TrainingResolver training;
  private final ZeroCostResolver zeroCost;
  private final BenchmarkLookup benchmark;

  /** With the default training budget. */
  public RequestResolver(DatasetCatalog datasets, String defaultDataset, DeviceSelection devices,
      Optional<BenchmarkTable> benchmark) {
    this(datasets, defaultDataset, devices, benchmark, RequestLimits.DEFAULT_MAX_TRAINING_IMAGES);
  }

  /** @param maxTrainingImages the most image passes (epochs x training images) one training may ask for */
  public RequestResolver(DatasetCatalog datasets, String defaultDataset, DeviceSelection devices,
      Optional<BenchmarkTable> benchmark, long maxTrainingImages) {
    OptionsResolver options = new OptionsResolver(datasets, defaultDataset, devices);
    this.kernel = new KernelResolver(options);
    this.training = new TrainingResolver(options, maxTrainingImages);
    this.zeroCost = new ZeroCostResolver(options);
    this.benchmark = new BenchmarkLookup(benchmark);
  }

  /** The cache key of what {@code request} asks for; benchmark lookups have none. */
  public CacheKey cacheKey(ScoreArchitectureRequest request) {
    return score(request).lookupKey();
  }

  public Resolved score(ScoreArchitectureRequest request) {
    return switch (request.getFidelity()) {
      case FIDELITY_UNSPECIFIED, FIDELITY_GRADIENT_KERNEL -> kernel(request.hasArchitecture(),
          request.getArchitecture(), request.getOptions(), request.getGradientKernel(), false);
      case FIDELITY_SHORT_TRAINING -> training(request.hasArchitecture(), request.getArchitecture(),
          request.getOptions(), request.getShortTraining(), "short_training");
      case FIDELITY_BENCHMARK -> benchmark.resolve(request.hasArchitecture(), request.getArchitecture(),
          request.getOptions());
      case FIDELITY_ZERO_COST -> zeroCost.resolve(request.hasArchitecture(), request.getArchitecture(),
          request.getOptions(), request.getZeroCost(), request.getGradientKernel());
      case UNRECOGNIZED -> throw RequestException.invalid("fidelity", "unknown value " + request.getFidelityValue());
    };
  }

  /** A gradient kernel; {@code perSampleGradients} when the Gram matrix or gradient norms are requested. */
  public ResolvedKernel kernel(boolean hasArchitecture, Architecture architecture, EvaluationOptions options,
      GradientKernelOptions kernelOptions, boolean perSampleGradients) {
    return kernel.resolve(hasArchitecture, architecture, options, kernelOptions, perSampleGradients);
  }

  /** A short training; {@code field} is the name of the training options' field in the request (for messages). */
  public ResolvedTraining training(boolean hasArchitecture, Architecture architecture, EvaluationOptions options,
      ShortTrainingOptions trainingOptions, String field) {
    return training.resolve(hasArchitecture, architecture, options, trainingOptions, field);
  }
}
