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
import dev.knas.space.CanonicalForm;
import dev.knas.space.Nb201Architecture;
import dev.knas.space.Operation;
import dev.knas.v1.Architecture;
import dev.knas.v1.CacheKey;
import dev.knas.v1.CellEdges;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import java.util.ArrayList;
import java.util.List;

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

  private final DatasetCatalog datasets;
  private final String defaultDataset;
  private final DeviceSelection devices;

  RequestResolver(DatasetCatalog datasets, String defaultDataset, DeviceSelection devices) {
    this.datasets = datasets;
    this.defaultDataset = defaultDataset;
    this.devices = devices;
  }

  /**
   * A kernel computation (on the canonical form of the {@code requested} cell), the effective options it runs
   * with, and the cache key of its value.
   */
  record ResolvedKernel(Nb201Architecture requested, KernelRequest request, EvaluationOptions effectiveOptions,
      GradientKernelOptions effectiveKernelOptions, CacheKey cacheKey) {}

  /** A ScoreArchitecture request; only the gradient-kernel fidelity is implemented. */
  ResolvedKernel score(ScoreArchitectureRequest request) {
    Fidelity fidelity = request.getFidelity();
    switch (fidelity) {
      case FIDELITY_UNSPECIFIED, FIDELITY_GRADIENT_KERNEL -> { }
      case FIDELITY_SHORT_TRAINING, FIDELITY_BENCHMARK ->
          throw RequestException.unimplemented("fidelity " + fidelity + " is not implemented by this server");
      default -> throw RequestException.invalid("fidelity", "unknown value " + request.getFidelityValue());
    }
    return kernel(request.hasArchitecture(), request.getArchitecture(), request.getOptions(),
        request.getGradientKernel(), false);
  }

  ResolvedKernel kernel(boolean hasArchitecture, Architecture architecture, EvaluationOptions options,
      GradientKernelOptions kernelOptions, boolean perSampleGradients) {
    if (!hasArchitecture) {
      throw RequestException.invalid("architecture", "is required");
    }
    Nb201Architecture requested = architecture(architecture);
    Nb201Architecture canonical = CanonicalForm.of(requested);
    int samples = kernelOptions.getNumSamples() == 0 ? DEFAULT_SAMPLES : kernelOptions.getNumSamples();
    int limit = perSampleGradients ? MAX_SAMPLES_PER_SAMPLE_GRADIENTS : MAX_SAMPLES;
    if (samples > limit) {
      throw RequestException.invalid("gradient_kernel.num_samples", samples + " exceeds the limit of " + limit
          + (perSampleGradients ? " when the Gram matrix or gradient norms are requested" : ""));
    }
    Precision precision = switch (options.getPrecision()) {
      case PRECISION_UNSPECIFIED, PRECISION_FLOAT32 -> Precision.FLOAT32;
      case PRECISION_FLOAT64 -> Precision.FLOAT64;
      default -> throw RequestException.invalid("options.precision", "unknown value " + options.getPrecisionValue());
    };
    String datasetName = options.getDataset().isEmpty() ? defaultDataset : options.getDataset();
    Dataset dataset = dataset(datasetName);
    int trainSize = trainSize(dataset);
    if (samples > trainSize) {
      throw RequestException.invalid("gradient_kernel.num_samples", samples + " exceeds the " + trainSize
          + " images of " + datasetName + "'s training split");
    }
    Device device = device(options.getDevice());
    EvaluationOptions effective = options.toBuilder().setDataset(datasetName).setDevice(DeviceSelection.name(device))
        .setPrecision(precision == Precision.FLOAT64 ? dev.knas.v1.Precision.PRECISION_FLOAT64
            : dev.knas.v1.Precision.PRECISION_FLOAT32)
        .build();
    CacheKey key = CacheKey.newBuilder()
        .setFormatVersion(CacheKeys.FORMAT_VERSION)
        .setDefinitionVersion(GradientKernelScorer.DEFINITION_VERSION)
        .setFidelity(Fidelity.FIDELITY_GRADIENT_KERNEL)
        .setCanonicalArchitecture(canonical.toBenchmarkString())
        .setDataset(datasetName)
        .setDatasetFingerprint(fingerprint(dataset))
        .setNumSamples(samples)
        .setSeed(options.getSeed())
        .setPrecision(effective.getPrecision())
        .setDeviceKind(device.isGpu() ? "gpu" : "cpu")
        .build();
    return new ResolvedKernel(requested,
        new KernelRequest(canonical, dataset, samples, options.getSeed(), device, precision, perSampleGradients),
        effective, GradientKernelOptions.newBuilder().setNumSamples(samples).build(), key);
  }

  static Nb201Architecture architecture(Architecture architecture) {
    try {
      return switch (architecture.getFormCase()) {
        case NB201_STRING -> Nb201Architecture.parse(architecture.getNb201String());
        case NB201_INDEX -> Nb201Architecture.fromIndex(architecture.getNb201Index());
        case EDGES -> edges(architecture.getEdges());
        case FORM_NOT_SET -> throw new IllegalArgumentException("set one of nb201_string, nb201_index, edges");
      };
    } catch (IllegalArgumentException e) {
      String field = switch (architecture.getFormCase()) {
        case NB201_STRING -> "architecture.nb201_string";
        case NB201_INDEX -> "architecture.nb201_index";
        case EDGES -> "architecture.edges";
        case FORM_NOT_SET -> "architecture";
      };
      throw RequestException.invalid(field, e.getMessage());
    }
  }

  private static Nb201Architecture edges(CellEdges edges) {
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i < edges.getOpsCount(); i++) {
      ops.add(switch (edges.getOps(i)) {
        case OPERATION_NONE -> Operation.NONE;
        case OPERATION_SKIP_CONNECT -> Operation.SKIP_CONNECT;
        case OPERATION_NOR_CONV_1X1 -> Operation.NOR_CONV_1X1;
        case OPERATION_NOR_CONV_3X3 -> Operation.NOR_CONV_3X3;
        case OPERATION_AVG_POOL_3X3 -> Operation.AVG_POOL_3X3;
        default -> throw new IllegalArgumentException("ops[" + i + "] is " + edges.getOps(i) + "; set an operation");
      });
    }
    return new Nb201Architecture(ops);
  }

  private Dataset dataset(String name) {
    try {
      return datasets.get(name);
    } catch (IllegalArgumentException e) {
      throw RequestException.invalid("options.dataset", e.getMessage());
    } catch (DatasetException e) {
      throw RequestException.failedPrecondition("options.dataset", e.getMessage());
    }
  }

  private static int trainSize(Dataset dataset) {
    try {
      return dataset.train().size();
    } catch (DatasetException e) {
      throw RequestException.failedPrecondition("options.dataset", e.getMessage());
    }
  }

  private static String fingerprint(Dataset dataset) {
    try {
      return dataset.fingerprint();
    } catch (DatasetException e) {
      throw RequestException.failedPrecondition("options.dataset", e.getMessage());
    }
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
