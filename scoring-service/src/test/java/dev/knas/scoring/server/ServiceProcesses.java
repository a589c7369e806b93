package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.fail;

import dev.knas.scoring.ScoringServiceCommand;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Scoring services run as real OS processes (this JVM's class path, the synthetic data set), killed at close. */
final class ServiceProcesses implements AutoCloseable {

  /** A started service and the port it serves on. */
  record Service(Process process, int port, Path log) {}

  private final Path temp;
  private final List<Process> processes = new ArrayList<>();

  ServiceProcesses(Path temp) {
    this.temp = temp;
  }

  /** Launches a service on {@code store} with extra environment and arguments, without waiting for it. */
  Process launch(Path store, Path portFile, Path log, Map<String, String> env, String... arguments)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "2"),
        "-Dai.djl.pytorch.num_interop_threads=1", ScoringServiceCommand.class.getName(), "--port", "0",
        "--port-file", portFile.toString(), "--store-dir", store.toString(), "--default-dataset", "synthetic"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("DJL_OFFLINE", "true");
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /** Launches a service and waits until it serves. */
  Service start(Path store, String name, Map<String, String> env, String... arguments) throws Exception {
    Path portFile = temp.resolve(name + ".port");
    Path log = temp.resolve(name + ".log");
    Process process = launch(store, portFile, log, env, arguments);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!Files.exists(portFile)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        fail("service " + name + " did not start: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return new Service(process, Integer.parseInt(Files.readString(portFile).strip()), log);
  }

  static <T> T call(Service service, Function<ManagedChannel, T> call) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
    try {
      return call.apply(channel);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
