package dev.knas.scoring.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.knas.scoring.ScoringServiceCommand;
import dev.knas.scoring.TestData;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real scoring service as an OS process on a free loopback port ({@code --port 0 --port-file}), with its store on
 * disk and its output in a log file: start, stop with SIGTERM, kill -9, start again on the same store. Closing it
 * kills it if it still runs.
 */
public final class ServiceProcess implements AutoCloseable {

  /** How a run ended by itself: its exit status and everything it printed. */
  public record Exit(int code, String output) {}

  /** Which program runs the service. */
  public enum Program {
    /**
     * The service's main class on this JVM's class path: what the service's own tests can run before its jar is
     * packaged.
     */
    CLASS_PATH,
    /** {@code bin/scoring-service} from the repository root, as users run it (the packaged jar, tcmalloc). */
    LAUNCHER
  }

  private static final long START_SECONDS = 120;

  private final Builder options;
  private final Process process;
  private final Path portFile;
  private final Path log;
  private LoopbackChannel channel;
  private int port;

  private ServiceProcess(Builder options, Process process, Path portFile, Path log) {
    this.options = options;
    this.process = process;
    this.portFile = portFile;
    this.log = log;
  }

  /** A service run by this JVM's class path, its log, port file and (by default) store under {@code dir}. */
  public static Builder fromClassPath(Path dir) {
    return new Builder(Program.CLASS_PATH, dir);
  }

  /** A service run by {@code bin/scoring-service}, its log, port file and (by default) store under {@code dir}. */
  public static Builder fromLauncher(Path dir) {
    return new Builder(Program.LAUNCHER, dir);
  }

  /** Waits until it serves: its port file appears (written once the port is bound and the store open). */
  ServiceProcess awaitServing() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (!Files.exists(portFile)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        fail("the scoring service did not start: " + output());
      }
      Thread.sleep(100);
    }
    port = Integer.parseInt(Files.readString(portFile).strip());
    channel = new LoopbackChannel(port);
    return this;
  }

  /** The port it serves on. */
  public int port() {
    assertTrue(port > 0, "the service was launched, not started");
    return port;
  }

  /** host:port, as clients' --target takes it. */
  public String target() {
    return "127.0.0.1:" + port();
  }

  /** A plaintext channel to it, shut down when it is killed or closed. */
  public ManagedChannel channel() {
    port();
    return channel.get();
  }

  public Path store() {
    return options.store;
  }

  public Path log() {
    return log;
  }

  /** Where it writes its port once it serves. */
  public Path portFile() {
    return portFile;
  }

  /** Everything it printed so far. */
  public String output() throws IOException {
    return Files.readString(log);
  }

  /**
   * Its output once it contains {@code text}, waiting up to 30 s: the service logs asynchronously, so a line
   * written before the port file may reach the log after it.
   */
  public String awaitOutput(String text) throws Exception {
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

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for it to end by itself (at most two minutes). */
  public Exit awaitExit() throws Exception {
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the scoring service did not exit: " + output());
    return new Exit(process.exitValue(), output());
  }

  /** SIGTERM, as {@code kill} or Kubernetes send it: waits (at most two minutes) and returns the exit status. */
  public int terminate() throws Exception {
    process.destroy();
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the scoring service did not exit on SIGTERM: " + output());
    closeChannel();
    return process.exitValue();
  }

  /** SIGKILL, as {@code kill -9}: returns the exit status once it is gone. */
  public int kill() throws InterruptedException {
    closeChannel();
    process.destroyForcibly();
    return process.waitFor();
  }

  /** The same service started again on the same store, once this one has ended. */
  public ServiceProcess restart() throws Exception {
    assertTrue(!process.isAlive(), "restart() after terminate() or kill()");
    return options.start();
  }

  private void closeChannel() throws InterruptedException {
    if (channel != null) {
      channel.close();
    }
  }

  @Override
  public void close() throws InterruptedException {
    closeChannel();
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** The service's options; {@link #launch} takes a copy, so a builder can go on to start other services. */
  public static final class Builder {

    private final Program program;
    private final Path dir;
    private Path store;
    private String name = "scoring-service";
    private final Map<String, String> environment = new LinkedHashMap<>();
    private List<String> data = List.of("--default-dataset", "synthetic");
    private final List<String> arguments = new ArrayList<>();

    private Builder(Program program, Path dir) {
      this.program = program;
      this.dir = dir;
      this.store = dir.resolve("store");
    }

    private Builder(Builder other) {
      this(other.program, other.dir);
      store = other.store;
      name = other.name;
      environment.putAll(other.environment);
      data = other.data;
      arguments.addAll(other.arguments);
    }

    /** The same options, to change for another service without changing these. */
    Builder copy() {
      return new Builder(this);
    }

    /** The folder of its log and port file. */
    Path dir() {
      return dir;
    }

    /** The store directory (default: {@code store} under the builder's folder); a restart reuses it. */
    public Builder store(Path store) {
      this.store = store;
      return this;
    }

    /** The prefix of its log and port file, to tell several services apart. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** A variable added to the service's environment. */
    public Builder env(String variable, String value) {
      environment.put(variable, value);
      return this;
    }

    public Builder env(Map<String, String> variables) {
      environment.putAll(variables);
      return this;
    }

    /** The data sets of ../shared/data (KNAS_DATA_DIR, CIFAR-10 the default) instead of the generated one alone. */
    public Builder sharedData() {
      data = List.of("--data-dir", TestData.root().toString());
      return this;
    }

    public Builder tls(Path certificate, Path key) {
      return args("--tls-cert", certificate.toString(), "--tls-key", key.toString());
    }

    public Builder authTokenFile(Path token) {
      return args("--auth-token-file", token.toString());
    }

    /** More options of the service's command line. */
    public Builder args(String... more) {
      arguments.addAll(List.of(more));
      return this;
    }

    /** Starts it and waits until it serves. */
    public ServiceProcess start() throws Exception {
      ServiceProcess service = launch();
      try {
        return service.awaitServing();
      } catch (Exception | AssertionError e) {
        service.close();
        throw e;
      }
    }

    /** Starts it without waiting, for a start that is to fail or for several that start together. */
    public ServiceProcess launch() throws IOException {
      Files.createDirectories(dir);
      Path portFile = Files.createTempFile(dir, name, ".port");
      Files.delete(portFile);
      List<String> command = new ArrayList<>(List.of("--port", "0", "--port-file", portFile.toString(),
          "--store-dir", store.toString()));
      command.addAll(data);
      command.addAll(arguments);
      Path log = Files.createTempFile(dir, name, ".log");
      return new ServiceProcess(copy(), begin(command, log), portFile, log);
    }

    /**
     * Runs the program with {@code args} alone, a subcommand such as {@code verify-store} rather than the service,
     * to its end (at most two minutes).
     */
    public Exit runCommand(String... args) throws Exception {
      Files.createDirectories(dir);
      Path log = Files.createTempFile(dir, name, ".log");
      Process process = begin(List.of(args), log);
      try {
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "scoring-service did not exit: " + Files.readString(log));
        return new Exit(process.exitValue(), Files.readString(log));
      } finally {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }

    private Process begin(List<String> args, Path log) throws IOException {
      List<String> command = new ArrayList<>();
      if (program == Program.LAUNCHER) {
        command.add("bin/scoring-service");
      } else {
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
            System.getProperty("java.class.path"), "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "2"),
            "-Dai.djl.pytorch.num_interop_threads=1", ScoringServiceCommand.class.getName()));
      }
      command.addAll(args);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      // The launcher keeps DJL offline itself and pins the engine to KNAS_THREADS: one, beside the other
      // processes a test runs.
      if (program == Program.LAUNCHER) {
        builder.environment().put("KNAS_THREADS", "1");
      } else {
        builder.environment().put("DJL_OFFLINE", "true");
      }
      builder.environment().putAll(environment);
      return builder.start();
    }
  }
}
