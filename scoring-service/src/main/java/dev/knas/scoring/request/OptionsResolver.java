package dev.knas.scoring.request;

import ai.djl.Device;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.data.DatasetException;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.scoring.device.DeviceUnavailableException;
import dev.knas.scoring.kernel.Precision;
import dev.knas.v1.EvaluationOptions;

/** Resolves the evaluation options of a computed fidelity against this service's data sets and devices. */
final class OptionsResolver {

  private final DatasetCatalog datasets;
  private final String defaultDataset;
  private final DeviceSelection devices;

  OptionsResolver(DatasetCatalog datasets, String defaultDataset, DeviceSelection devices) {
    this.datasets = datasets;
    this.defaultDataset = defaultDataset;
    this.devices = devices;
  }

  ResolvedOptions resolve(EvaluationOptions options) {
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
    return new ResolvedOptions(dataset, precision, device, effective);
  }

  private Dataset dataset(String name) {
    try {
      return datasets.get(name);
    } catch (IllegalArgumentException e) {
      throw RequestException.invalid("options.dataset", e.getMessage());
    } catch (DatasetException e) {
      throw ResolvedOptions.unavailable(e);
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
