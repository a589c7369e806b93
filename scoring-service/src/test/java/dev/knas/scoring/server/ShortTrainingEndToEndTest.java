package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.testing.InProcessService;
import dev.knas.v1.Architecture;
import dev.knas.v1.Augmentation;
import dev.knas.v1.ComputeGradientKernelRequest;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ShortTrainEvent;
import dev.knas.v1.ShortTrainRequest;
import dev.knas.v1.ShortTrainResult;
import dev.knas.v1.ShortTrainingOptions;
import dev.knas.v1.TrainingProgress;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short training through the real server on CIFAR-10 from ../shared/data: a real two-epoch training, its cached
 * result, and cancellation and deadlines freeing the device. One training runs at a time (the default).
 */
class ShortTrainingEndToEndTest {

  private static ScoringServiceGrpc.ScoringServiceBlockingStub scoring;
  private static ScoringServiceGrpc.ScoringServiceStub async;
  private static ScoreCacheServiceGrpc.ScoreCacheServiceBlockingStub cache;

  @TempDir
  static Path store;

  @AutoClose
  static InProcessService service;

  @BeforeAll
  static void start() throws Exception {
    service = InProcessService.builder(store).sharedData().start();
    ManagedChannel channel = service.channel();
    scoring = ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES);
    async = ScoringServiceGrpc.newStub(channel);
    cache = ScoreCacheServiceGrpc.newBlockingStub(channel);
  }

  @Test
  void trainsIndexOneForTwoEpochsThenAnswersFromTheCache() {
    ShortTrainRequest request = ShortTrainRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(1))
        .setTraining(ShortTrainingOptions.newBuilder().setEpochs(2)).build();
    List<TrainingProgress> progress = new ArrayList<>();
    ShortTrainResult result = null;
    for (Iterator<ShortTrainEvent> events = scoring.shortTrain(request); events.hasNext(); ) {
      ShortTrainEvent event = events.next();
      if (event.hasProgress()) {
        progress.add(event.getProgress());
      } else {
        result = event.getResult();
      }
    }
    assertNotNull(result);
    // 5,169 training images: 1,033 held out, 4,136 trained on in 17 batches of up to 256.
    assertEquals(34, progress.size());
    for (int i = 0; i < progress.size(); i++) {
      TrainingProgress p = progress.get(i);
      assertEquals(i + 1, p.getStep());
      assertEquals(i < 17 ? 1 : 2, p.getEpoch());
      assertEquals(i == 16 || i == 33, p.getEpochEnd(), p.toString());
      assertEquals(34, p.getTotalSteps());
      assertEquals(2, p.getEpochs());
    }
    assertEquals(0.1, progress.get(0).getLearningRate(), 1e-7);
    assertTrue(progress.get(33).getLearningRate() < progress.get(17).getLearningRate());
    assertEquals(List.of(progress.get(16), progress.get(33)), result.getCurveList());
    assertTrue(result.getCurve(1).getTrainLoss() < result.getCurve(0).getTrainLoss(), result.toString());
    assertTrue(progress.get(33).getTrainLoss() < progress.get(0).getTrainLoss(), result.toString());
    assertTrue(result.getHeldOutAccuracy() > 20, "chance is 10%: " + result);
    assertTrue(result.getHeldOutLoss() < Math.log(10), result.toString());
    assertEquals(result.getCurve(1).getTrainLoss(), result.getFinalTrainLoss());
    assertFalse(result.getCache().getHit());
    ShortTrainingOptions used = result.getProvenance().getShortTraining();
    assertEquals(ShortTrainingOptions.newBuilder().setEpochs(2).setBatchSize(256).setLearningRate(0.1)
        .setTrainSize(4136).setHeldOutSize(1033).setMomentum(0.9).setWeightDecay(5e-4)
        .setAugmentation(Augmentation.AUGMENTATION_CROP_FLIP).build(), used);
    assertEquals("sgd-nb201/1", result.getProvenance().getDefinitionVersion());
    assertEquals(802_426, result.getArchitecture().getParameterCount());

    ScoreArchitectureResponse score = scoring.scoreArchitecture(ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(1))
        .setFidelity(Fidelity.FIDELITY_SHORT_TRAINING)
        .setShortTraining(ShortTrainingOptions.newBuilder().setEpochs(2)).build());
    assertTrue(score.getCache().getHit());
    assertEquals(result.getCache().getKey(), score.getCache().getKey());
    assertEquals(result.getHeldOutAccuracy(), score.getValue());
    assertEquals("held_out_accuracy", score.getMetric());
    assertEquals(result.getHeldOutLoss(), score.getShortTraining().getHeldOutLoss());

    List<ShortTrainEvent> again = new ArrayList<>();
    scoring.shortTrain(request).forEachRemaining(again::add);
    assertEquals(1, again.size(), "a cached training answers with its result alone");
    assertTrue(again.get(0).getResult().getCache().getHit());
    assertEquals(result.getCurveList(), again.get(0).getResult().getCurveList());
  }

  @Test
  void cancellingATrainingFreesTheDeviceAndCachesNothing() throws Exception {
    ShortTrainRequest endless = longTraining(7);
    Call cancelled = Call.start(endless);
    assertTrue(cancelled.firstProgress.await(2, TimeUnit.MINUTES), "the long training never started");

    // Engine work runs between the training's batches rather than after it.
    assertTrue(scoring.computeGradientKernel(ComputeGradientKernelRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(3))
        .setOptions(EvaluationOptions.newBuilder().setSeed(99))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(8)).build()).getMgm() > 0);
    assertFalse(cancelled.done.isDone(), "the kernel request waited for the whole training");

    // A second training waits for the one slot.
    Call waiting = Call.start(smallTraining(7));
    assertEquals(0, waiting.progress.size());
    cancelled.cancel();
    assertEquals(Status.Code.CANCELLED, status(cancelled.done));

    ShortTrainResult next = waiting.done.get(2, TimeUnit.MINUTES);
    assertEquals(1, next.getCurveCount());
    assertFalse(waiting.progress.isEmpty());
    assertFalse(cached(endless), "a cancelled training cached a partial result");
  }

  @Test
  void anExpiredDeadlineStopsTheTraining() throws Exception {
    ShortTrainRequest endless = longTraining(8);
    StatusRuntimeException expired = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> scoring.withDeadlineAfter(5, TimeUnit.SECONDS).shortTrain(endless).forEachRemaining(e -> { }));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, expired.getStatus().getCode());
    ShortTrainResult next = Call.start(smallTraining(8)).done.get(2, TimeUnit.MINUTES);
    assertEquals(1, next.getCurveCount());
    assertFalse(cached(endless), "a training past its deadline cached a partial result");
  }

  /** Far longer than any test waits: only cancellation ends it. */
  private static ShortTrainRequest longTraining(long seed) {
    return ShortTrainRequest.newBuilder().setArchitecture(Architecture.newBuilder().setNb201Index(1))
        .setOptions(EvaluationOptions.newBuilder().setSeed(seed))
        .setTraining(ShortTrainingOptions.newBuilder().setEpochs(200)).build();
  }

  private static ShortTrainRequest smallTraining(long seed) {
    return ShortTrainRequest.newBuilder().setArchitecture(Architecture.newBuilder().setNb201Index(3))
        .setOptions(EvaluationOptions.newBuilder().setSeed(seed))
        .setTraining(ShortTrainingOptions.newBuilder().setEpochs(1).setTrainSize(64).setHeldOutSize(64)
            .setBatchSize(32)).build();
  }

  private static boolean cached(ShortTrainRequest training) {
    return cache.lookupScore(LookupScoreRequest.newBuilder().setRequest(ScoreArchitectureRequest.newBuilder()
        .setArchitecture(training.getArchitecture()).setOptions(training.getOptions())
        .setFidelity(Fidelity.FIDELITY_SHORT_TRAINING).setShortTraining(training.getTraining())).build())
        .getFound();
  }

  private static Status.Code status(CompletableFuture<?> call) throws InterruptedException {
    try {
      call.get(2, TimeUnit.MINUTES);
      throw new AssertionError("the call succeeded");
    } catch (java.util.concurrent.ExecutionException e) {
      return Status.fromThrowable(e.getCause()).getCode();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the call did not end", e);
    }
  }

  /** A ShortTrain call in flight: its progress so far, its result, and a way to cancel it. */
  private static final class Call implements ClientResponseObserver<ShortTrainRequest, ShortTrainEvent> {
    final List<TrainingProgress> progress = new CopyOnWriteArrayList<>();
    final CountDownLatch firstProgress = new CountDownLatch(1);
    final CompletableFuture<ShortTrainResult> done = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<ShortTrainRequest> call;
    private ShortTrainResult result;

    static Call start(ShortTrainRequest request) {
      Call call = new Call();
      async.shortTrain(request, call);
      return call;
    }

    void cancel() {
      call.cancel("the test cancels", null);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ShortTrainRequest> requestStream) {
      call = requestStream;
    }

    @Override
    public void onNext(ShortTrainEvent event) {
      if (event.hasProgress()) {
        progress.add(event.getProgress());
        firstProgress.countDown();
      } else {
        result = event.getResult();
      }
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }

    @Override
    public void onCompleted() {
      done.complete(result);
    }
  }
}
