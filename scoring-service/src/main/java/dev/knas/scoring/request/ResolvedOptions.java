package dev.knas.scoring.request;

import ai.djl.Device;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.DatasetException;
import dev.knas.scoring.kernel.Precision;
import dev.knas.v1.EvaluationOptions;

/**
 * The evaluation options every computed fidelity shares, validated: the data set, precision and device they
 * name, and the options as the provenance reports them ({@code effective}, every default filled in).
 */
record ResolvedOptions(Dataset dataset, Precision precision, Device device, EvaluationOptions effective) {

  /** Images of the data set's training split. */
  int trainSize() {
    try {
      return dataset.train().size();
    } catch (DatasetException e) {
      throw unavailable(e);
    }
  }

  /** The fingerprint of the data set's contents (a cache key field). */
  String datasetFingerprint() {
    try {
      return dataset.fingerprint();
    } catch (DatasetException e) {
      throw unavailable(e);
    }
  }

  /** A data set the service cannot read: the client is told so, the log names the file and the damage. */
  static RequestException unavailable(DatasetException e) {
    return new RequestException(RequestException.datasetUnavailable("request resolution", e));
  }
}
