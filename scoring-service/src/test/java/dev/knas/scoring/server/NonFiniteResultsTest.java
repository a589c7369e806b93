package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.scoring.kernel.KernelResult;
import dev.knas.scoring.request.RequestResolver;
import dev.knas.scoring.request.ResolvedKernel;
import dev.knas.scoring.request.ResolvedTraining;
import dev.knas.scoring.training.ShortTraining;
import dev.knas.v1.Architecture;
import dev.knas.v1.Fidelity;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.TrainingProgress;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A NaN or infinite result is refused before it becomes a cache entry (the cache stores only entries), and a
 * failure of the service tells the client a log reference, not its internals.
 */
class NonFiniteResultsTest {

  private final RequestResolver resolver = new RequestResolver(new DatasetCatalog(Optional.empty(),
      Optional.empty(), Optional.empty()), "synthetic", new DeviceSelection(0, "test engine"), Optional.empty());

  @Test
  void aNonFiniteKernelValueIsOutOfRangeAndMakesNoEntry() {
    ResolvedKernel kernel = (ResolvedKernel) resolver.score(ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(1)).build());
    for (double value : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> KernelMessages.kernelEntry(
          kernel, "k", new KernelResult(value, 1, Optional.empty(), new int[0], 1, 0), "engine"));
      assertEquals(Status.Code.OUT_OF_RANGE, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("nothing was cached"), e.getStatus().getDescription());
    }
    assertEquals(2.0, KernelMessages.kernelEntry(kernel, "k",
        new KernelResult(2, 1, Optional.empty(), new int[0], 1, 0), "engine").getValue());
  }

  @Test
  void aDivergedTrainingIsOutOfRangeAndMakesNoEntry() {
    ResolvedTraining training = (ResolvedTraining) resolver.score(ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(1)).setFidelity(Fidelity.FIDELITY_SHORT_TRAINING)
        .build());
    List<TrainingProgress> curve = List.of(TrainingProgress.newBuilder().setTrainLoss(Double.NaN).build());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> TrainingMessages.trainingEntry(
        training, "k", new TrainingJob.Outcome(new ShortTraining.HeldOut(0.1, Double.NaN), curve, 1, 1), "engine"));
    assertEquals(Status.Code.OUT_OF_RANGE, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("the short training diverged (final train loss NaN"),
        e.getStatus().getDescription());
  }

  @Test
  void aServiceFaultTellsTheClientAReferenceNotItsInternals() {
    Status status = StatusMapping.statusOf("ScoreArchitecture",
        new IllegalStateException("cannot open /srv/knas/secret/store/000123.sst"));
    assertEquals(Status.Code.INTERNAL, status.getCode());
    assertTrue(status.getDescription().startsWith("internal error; the service's log has the details under"
        + " reference "), status.getDescription());
    assertFalse(status.getDescription().contains("/srv") || status.getDescription().contains("Exception"),
        status.getDescription());
  }
}
