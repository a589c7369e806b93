package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.routing.RoutedBatch;
import dev.knas.scoring.testing.ServiceProcess;
import dev.knas.scoring.testing.ServiceReplicas;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real scoring services on loopback behind one client channel with a static list of replicas: requests are
 * routed by canonical-architecture hash (gRPC's ring_hash), so each replica owns one shard of the cache.
 */
class ReplicasTest {

  private static final int ARCHITECTURES = 200;
  /** MGM with a small kernel on the generated data set: the real computation, cheap enough for 200 twice. */
  private static final ScoreArchitectureRequest MGM = ScoreArchitectureRequest.newBuilder()
      .setOptions(EvaluationOptions.newBuilder().setDataset("synthetic"))
      .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(8))
      .build();

  @TempDir
  Path dir;

  @AutoClose
  ServiceReplicas replicas;

  @BeforeEach
  void startThreeReplicas() throws Exception {
    replicas = ServiceReplicas.start(ServiceProcess.fromLauncher(dir), 3);
  }

  @Test
  void eachCanonicalClassLivesOnOneReplicaAndALostReplicaMovesOnlyItsShard() throws Exception {
    List<Architecture> architectures = architecturesWithEquivalents();

    // First pass, as one batch: every architecture is computed or coalesced, none is a hit.
    List<ScoreArchitectureResponse> first = batch(architectures);
    assertTrue(first.stream().noneMatch(r -> r.getCache().getHit()), "a fresh cache cannot hit");

    // Each entry exists on exactly one replica; equivalent architectures share it, so they went to one replica.
    Map<String, Integer> owner = new HashMap<>();
    for (ScoreArchitectureResponse response : first) {
      String key = response.getCache().getKey();
      if (!owner.containsKey(key)) {
        List<Integer> holders = holders(key);
        assertEquals(1, holders.size(), "replicas holding " + response.getArchitecture().getCanonical());
        owner.put(key, holders.get(0));
      }
    }
    Set<Integer> owners = new LinkedHashSet<>(owner.values());
    assertEquals(3, owners.size(), "every replica owns part of " + owner.size() + " classes");

    // Second pass, one call per architecture as a strategy sends them: every one is a hit.
    List<ScoreArchitectureResponse> second = oneByOne(architectures, () -> { });
    assertTrue(second.stream().allMatch(r -> r.getCache().getHit()), hitCount(second) + " hits of 200");

    // Third pass, with replica 1 killed a third of the way: the run completes, and every class the others own
    // still hits; only replica 1's classes are computed again, each on one of the others.
    AtomicInteger sent = new AtomicInteger();
    List<ScoreArchitectureResponse> third = oneByOne(architectures, () -> {
      if (sent.incrementAndGet() == ARCHITECTURES / 3) {
        killReplica(1);
      }
    });
    for (ScoreArchitectureResponse response : third) {
      if (owner.get(response.getCache().getKey()) != 1) {
        assertTrue(response.getCache().getHit(), response.getArchitecture().getCanonical() + " moved");
      }
    }
    long lostClasses = owner.values().stream().filter(o -> o == 1).count();
    assertTrue(lostClasses > 0);

    // After the loss (and one pass that computes the lost classes scored before the kill), each class lives on
    // exactly one surviving replica, the survivors' own where it was, and everything hits again.
    oneByOne(architectures, () -> { });
    for (String key : owner.keySet()) {
      List<Integer> holders = holders(key);
      assertEquals(1, holders.size(), key + " on " + holders);
      if (owner.get(key) != 1) {
        assertEquals(owner.get(key), holders.get(0), key + " left its replica");
      } else {
        assertNotEquals(1, holders.get(0));
      }
    }
    List<ScoreArchitectureResponse> last = oneByOne(architectures, () -> { });
    assertTrue(last.stream().allMatch(r -> r.getCache().getHit()), hitCount(last) + " hits of 200");
  }

  /** 180 distinct random architectures, plus 20 that are equivalent to one of them but written differently. */
  private static List<Architecture> architecturesWithEquivalents() {
    Map<Nb201Architecture, List<Nb201Architecture>> classes = IntStream.range(0, Nb201Architecture.COUNT)
        .mapToObj(Nb201Architecture::fromIndex).collect(Collectors.groupingBy(CanonicalForm::of));
    List<List<Nb201Architecture>> large = classes.values().stream().filter(c -> c.size() > 1).toList();
    Random random = new Random(17);
    Set<Nb201Architecture> chosen = new LinkedHashSet<>();
    List<Nb201Architecture> equivalents = new ArrayList<>();
    while (equivalents.size() < 20) {
      List<Nb201Architecture> members = large.get(random.nextInt(large.size()));
      if (chosen.add(members.get(0))) {
        equivalents.add(members.get(1));
      }
    }
    while (chosen.size() < ARCHITECTURES - equivalents.size()) {
      chosen.add(Nb201Architecture.fromIndex(random.nextInt(Nb201Architecture.COUNT)));
    }
    List<Architecture> all = new ArrayList<>();
    chosen.forEach(cell -> all.add(Architecture.newBuilder().setNb201Index(cell.index()).build()));
    equivalents.forEach(cell -> all.add(Architecture.newBuilder().setNb201String(cell.toBenchmarkString()).build()));
    return all;
  }

  private List<ScoreArchitectureResponse> batch(List<Architecture> architectures) throws Exception {
    ScoreArchitecturesRequest request = ScoreArchitecturesRequest.newBuilder().addAllArchitectures(architectures)
        .setOptions(MGM.getOptions()).setGradientKernel(MGM.getGradientKernel()).build();
    ScoreArchitectureResponse[] responses = new ScoreArchitectureResponse[architectures.size()];
    CompletableFuture<Void> done = new CompletableFuture<>();
    new RoutedBatch(ScoringServiceGrpc.newStub(replicas.routedChannel()).withDeadlineAfter(5, TimeUnit.MINUTES))
        .scoreArchitectures(request, new StreamObserver<>() {
          @Override
          public void onNext(ScoreArchitecturesResult result) {
            assertTrue(result.hasScore(), result.getError().getMessage());
            responses[result.getPosition()] = result.getScore();
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    done.get(5, TimeUnit.MINUTES);
    return List.of(responses);
  }

  /** Scores each architecture in its own call, four at a time; {@code beforeEach} runs before each is sent. */
  private List<ScoreArchitectureResponse> oneByOne(List<Architecture> architectures, Runnable beforeEach)
      throws Exception {
    ScoringServiceBlockingStub stub = ScoringServiceGrpc.newBlockingStub(replicas.routedChannel());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ScoreArchitectureResponse>> calls = new ArrayList<>();
      for (Architecture architecture : architectures) {
        calls.add(pool.submit(() -> {
          beforeEach.run();
          return stub.withDeadlineAfter(5, TimeUnit.MINUTES)
              .scoreArchitecture(MGM.toBuilder().setArchitecture(architecture).build());
        }));
      }
      List<ScoreArchitectureResponse> responses = new ArrayList<>();
      for (Future<ScoreArchitectureResponse> call : calls) {
        responses.add(call.get());
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The replicas (still running) whose store has {@code key}, asked directly rather than through the router. */
  private List<Integer> holders(String key) {
    List<Integer> holders = new ArrayList<>();
    for (int i = 0; i < replicas.size(); i++) {
      if (replicas.replica(i).isAlive() && ScoreCacheServiceGrpc.newBlockingStub(replicas.replica(i).channel())
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .lookupScore(LookupScoreRequest.newBuilder().setKey(key).build()).getFound()) {
        holders.add(i);
      }
    }
    return holders;
  }

  private void killReplica(int index) {
    try {
      replicas.replica(index).kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long hitCount(List<ScoreArchitectureResponse> responses) {
    return responses.stream().filter(r -> r.getCache().getHit()).count();
  }
}
