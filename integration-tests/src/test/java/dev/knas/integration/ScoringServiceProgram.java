package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of the real {@code bin/scoring-service}, started from the repository root, output in a log file. */
final class ScoringServiceProgram implements AutoCloseable {

  /** How a finished run ended: its exit status and everything it printed. */
  record Exit(int code, String output) {}

  private final Process process;
  private final Path log;
  private final Path portFile;
  private ManagedChannel channel;

  private ScoringServiceProgram(Process process, Path log, Path portFile) {
    this.process = process;
    this.log = log;
    this.portFile = portFile;
  }

  /** Starts the service on {@code store} (free loopback port, synthetic data) with extra {@code args}. */
  static ScoringServiceProgram start(Path logs, Path store, String... args) throws IOException {
    return start(Map.of(), logs, store, args);
  }

  /** The same with {@code environment} added to the program's. */
  static ScoringServiceProgram start(Map<String, String> environment, Path logs, Path store, String... args)
      throws IOException {
    Files.createDirectories(logs);
    Path portFile = Files.createTempFile(logs, "port", "");
    Files.delete(portFile);
    List<String> command = new ArrayList<>(List.of("--port", "0", "--port-file", portFile.toString(),
        "--store-dir", store.toString(), "--default-dataset", "synthetic"));
    command.addAll(List.of(args));
    return launch(environment, logs, portFile, command);
  }

  /** Runs {@code bin/scoring-service args} (a subcommand) to the end, at most two minutes. */
  static Exit run(Path logs, String... args) throws Exception {
    return run(Map.of(), logs, args);
  }

  /** The same with {@code environment} added to the program's. */
  static Exit run(Map<String, String> environment, Path logs, String... args) throws Exception {
    Files.createDirectories(logs);
    try (ScoringServiceProgram program = launch(environment, logs, null, List.of(args))) {
      return program.awaitExit();
    }
  }

  private static ScoringServiceProgram launch(Map<String, String> environment, Path logs, Path portFile,
      List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("bin/scoring-service"));
    command.addAll(args);
    Path log = Files.createTempFile(logs, "scoring-service", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KNAS_THREADS", "1");
    builder.environment().putAll(environment);
    return new ScoringServiceProgram(builder.start(), log, portFile);
  }

  /** Waits until the service serves, and connects to it. */
  ManagedChannel awaitServing() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(portFile)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        fail("the service did not start: " + output());
      }
      Thread.sleep(100);
    }
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
    return channel;
  }

  /**
   * Its output once it contains {@code text}, waiting up to 30 s: the service logs asynchronously, so a line
   * written before the port file may reach the log after it.
   */
  String awaitOutput(String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String output = output();
    while (!output.contains(text)) {
      if (System.nanoTime() > deadline) {
        fail("the service's output never contained '" + text + "': " + output);
      }
      Thread.sleep(100);
      output = output();
    }
    return output;
  }

  /** The port it serves on, once {@link #awaitServing} returned. */
  int port() throws IOException {
    return Integer.parseInt(Files.readString(portFile).strip());
  }

  /** Waits for the process to end by itself (at most two minutes). */
  Exit awaitExit() throws Exception {
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "scoring-service did not exit: " + output());
    return new Exit(process.exitValue(), output());
  }

  /** SIGTERM, as {@code kill} or Kubernetes: the service shuts down cleanly; waits for it to exit. */
  void terminate() throws Exception {
    process.destroy();
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "scoring-service did not exit on SIGTERM: " + output());
  }

  /** SIGKILL, as {@code kill -9}. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }
}
