package dev.knas.bench;

import dev.knas.scoring.ScoringServiceCommand;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A scoring service the benchmarks start as a fresh OS process, the way {@code bin/scoring-service} starts it
 * (this JVM's class path, DJL offline), on a free loopback port with its own store under {@code work}.
 */
final class BenchmarkedService implements AutoCloseable {

  private final Process process;
  private final Path work;
  private final long startNanos;
  private ManagedChannel channel;
  private int port;

  private BenchmarkedService(Process process, Path work, long startNanos) {
    this.process = process;
    this.work = work;
    this.startNanos = startNanos;
  }

  /** Starts the service with {@code engineThreads} intra-op threads and extra {@code args}. */
  static BenchmarkedService start(Path work, int engineThreads, List<String> args) throws IOException {
    Files.createDirectories(work);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_threads=" + engineThreads, "-Dai.djl.pytorch.num_interop_threads=1",
        ScoringServiceCommand.class.getName(), "--port", "0", "--port-file", work.resolve("port").toString(),
        "--store-dir", work.resolve("store").toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve("log").toFile());
    builder.environment().put("DJL_OFFLINE", "true");
    long start = System.nanoTime();
    return new BenchmarkedService(builder.start(), work, start);
  }

  /** Waits for health SERVING and returns the seconds since the process started. */
  double awaitServing() throws IOException, InterruptedException {
    Path portFile = work.resolve("port");
    while (!Files.exists(portFile)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the service did not start: " + Files.readString(work.resolve("log")));
      }
      Thread.sleep(5);
    }
    port = Integer.parseInt(Files.readString(portFile).strip());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    while (!serving()) {
      Thread.sleep(5);
    }
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** A plaintext channel to this process alone, once serving. */
  ManagedChannel channel() {
    return channel;
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, as a machine that goes away. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
  }

  private boolean serving() {
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** SIGTERM, and waits for the clean stop. */
  @Override
  public void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    process.destroy();
    process.waitFor(60, TimeUnit.SECONDS);
  }
}
