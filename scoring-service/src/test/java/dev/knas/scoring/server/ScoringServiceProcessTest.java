package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.testing.ServiceProcess;
import dev.knas.v1.Architecture;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as a real OS process: durability across kill -9, and one process per store directory. */
class ScoringServiceProcessTest {

  private static final ScoreArchitectureRequest REQUEST = ScoreArchitectureRequest.newBuilder()
      .setArchitecture(Architecture.newBuilder().setNb201Index(5))
      .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(4)).build();

  @TempDir
  Path temp;

  private static ScoreArchitectureResponse score(ServiceProcess service) {
    return ScoringServiceGrpc.newBlockingStub(service.channel()).withDeadlineAfter(2, TimeUnit.MINUTES)
        .scoreArchitecture(REQUEST);
  }

  @Test
  void anAnsweredScoreSurvivesKillMinus9() throws Exception {
    try (ServiceProcess first = ServiceProcess.fromClassPath(temp).name("first").start()) {
      ScoreArchitectureResponse computed = score(first);
      assertEquals(false, computed.getCache().getHit());
      assertEquals(137, first.kill(), "killed by SIGKILL");

      try (ServiceProcess second = first.restart()) {
        ScoreArchitectureResponse reread = score(second);
        assertEquals(true, reread.getCache().getHit());
        assertEquals(computed.getValue(), reread.getValue());
        assertEquals(computed.getCache().getKey(), reread.getCache().getKey());
        assertEquals(true, ScoreCacheServiceGrpc.newBlockingStub(second.channel()).lookupScore(
            LookupScoreRequest.newBuilder().setKey(computed.getCache().getKey()).build()).getFound());

        assertEquals(143, second.terminate(), "SIGTERM stops the service");
      }
    }
  }

  @Test
  void aSecondProcessOnTheSameStoreFailsAtStartAndTheFirstKeepsServing() throws Exception {
    ServiceProcess.Builder onOneStore = ServiceProcess.fromClassPath(temp).store(temp.resolve("shared-store"));
    try (ServiceProcess first = onOneStore.name("owner").start();
        ServiceProcess intruder = onOneStore.name("intruder").launch()) {
      ServiceProcess.Exit exit = intruder.awaitExit();
      assertEquals(1, exit.code(), exit.output());
      assertTrue(exit.output().contains("is in use by another process")
          && exit.output().contains(first.store().toString()), exit.output());
      assertTrue(!Files.exists(intruder.portFile()));

      assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(first.channel())
          .check(HealthCheckRequest.getDefaultInstance()).getStatus());
      assertTrue(score(first).getValue() > 0);
    }
  }
}
