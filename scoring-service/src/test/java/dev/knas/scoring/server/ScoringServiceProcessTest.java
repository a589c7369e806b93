package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.server.ServiceProcesses.Service;
import dev.knas.v1.Architecture;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as a real OS process: durability across kill -9, and one process per store directory. */
class ScoringServiceProcessTest {

  private static final ScoreArchitectureRequest REQUEST = ScoreArchitectureRequest.newBuilder()
      .setArchitecture(Architecture.newBuilder().setNb201Index(5))
      .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(4)).build();

  @TempDir
  Path temp;

  private ServiceProcesses services;

  @BeforeEach
  void prepare() {
    services = new ServiceProcesses(temp);
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    services.close();
  }

  private Service start(Path store, String name) throws Exception {
    return services.start(store, name, Map.of());
  }

  private static <T> T call(Service service, Function<ManagedChannel, T> call) throws InterruptedException {
    return ServiceProcesses.call(service, call);
  }

  private static ScoreArchitectureResponse score(Service service) throws InterruptedException {
    return call(service, c -> ScoringServiceGrpc.newBlockingStub(c).withDeadlineAfter(2, TimeUnit.MINUTES)
        .scoreArchitecture(REQUEST));
  }

  @Test
  void anAnsweredScoreSurvivesKillMinus9() throws Exception {
    Path store = temp.resolve("store");
    Service first = start(store, "first");
    ScoreArchitectureResponse computed = score(first);
    assertEquals(false, computed.getCache().getHit());
    first.process().destroyForcibly();
    assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, first.process().exitValue(), "killed by SIGKILL");

    Service second = start(store, "second");
    ScoreArchitectureResponse reread = score(second);
    assertEquals(true, reread.getCache().getHit());
    assertEquals(computed.getValue(), reread.getValue());
    assertEquals(computed.getCache().getKey(), reread.getCache().getKey());
    assertEquals(true, call(second, c -> ScoreCacheServiceGrpc.newBlockingStub(c).lookupScore(
        LookupScoreRequest.newBuilder().setKey(computed.getCache().getKey()).build()).getFound()));

    second.process().destroy();
    assertTrue(second.process().waitFor(60, TimeUnit.SECONDS), "SIGTERM stops the service");
    assertEquals(143, second.process().exitValue());
  }

  @Test
  void aSecondProcessOnTheSameStoreFailsAtStartAndTheFirstKeepsServing() throws Exception {
    Path store = temp.resolve("shared-store");
    Service first = start(store, "owner");
    Path log = temp.resolve("intruder.log");
    Process intruder = services.launch(store, temp.resolve("intruder.port"), log, Map.of());
    assertTrue(intruder.waitFor(90, TimeUnit.SECONDS), "the second process should exit");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(1, intruder.exitValue(), output);
    assertTrue(output.contains("is in use by another process") && output.contains(store.toString()), output);
    assertTrue(!Files.exists(temp.resolve("intruder.port")));

    assertEquals(ServingStatus.SERVING, call(first, c -> HealthGrpc.newBlockingStub(c)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus()));
    assertTrue(score(first).getValue() > 0);
  }
}
