package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.knas.scoring.ScoringServiceCommand;
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
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as a real OS process: durability across kill -9, and one process per store directory. */
class ScoringServiceProcessTest {

  private static final ScoreArchitectureRequest REQUEST = ScoreArchitectureRequest.newBuilder()
      .setArchitecture(Architecture.newBuilder().setNb201Index(5))
      .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(4)).build();

  @TempDir
  Path temp;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A started service and the port it serves on. */
  private record Service(Process process, int port, Path log) {}

  private Process launch(Path store, Path portFile, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "2"),
        "-Dai.djl.pytorch.num_interop_threads=1", ScoringServiceCommand.class.getName(), "--port", "0",
        "--port-file", portFile.toString(), "--store-dir", store.toString(), "--default-dataset", "synthetic"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("DJL_OFFLINE", "true");
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private Service start(Path store, String name) throws Exception {
    Path portFile = temp.resolve(name + ".port");
    Path log = temp.resolve(name + ".log");
    Process process = launch(store, portFile, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!Files.exists(portFile)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        fail("service " + name + " did not start: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return new Service(process, Integer.parseInt(Files.readString(portFile).strip()), log);
  }

  private static <T> T call(Service service, Function<ManagedChannel, T> call) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
    try {
      return call.apply(channel);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
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
    Process intruder = launch(store, temp.resolve("intruder.port"), log);
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
