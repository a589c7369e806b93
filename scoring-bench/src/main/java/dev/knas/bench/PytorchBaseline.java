package dev.knas.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.scoring.device.NativeAllocator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code kernel_reference.py} as a worker process: each call computes one architecture's MGM in PyTorch and returns
 * the time PyTorch measured, so that a benchmark can time the service and PyTorch in turn.
 */
final class PytorchBaseline implements AutoCloseable {

  /** One timed computation. */
  record Computation(double seconds, double mgm) {}

  private final Process process;
  private final Writer requests;
  private final BufferedReader answers;
  private final ObjectMapper json = new ObjectMapper();

  private PytorchBaseline(Process process) {
    this.process = process;
    this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /**
   * Starts the worker ({@code mode} is {@code batched} or {@code per-sample}) with the Python of {@code options}
   * and waits for its warm-up computation of {@code warmUpArch}.
   */
  static PytorchBaseline start(PytorchOptions options, String mode, Path cifar, int threads, String warmUpArch)
      throws IOException {
    List<String> command = new ArrayList<>(options.command("kernel_reference.py"));
    command.addAll(List.of("--mode", mode, "--cifar-dir", cifar.toString(), "--samples",
        Integer.toString(options.samples), "--threads", Integer.toString(threads), "--warm-up-arch", warmUpArch));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    PytorchBaseline baseline = new PytorchBaseline(process);
    try {
      if (!baseline.next().path("ready").asBoolean()) {
        throw new IllegalStateException("the PyTorch baseline did not report ready");
      }
      return baseline;
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** The native allocator the worker runs on (it inherits this process's preload). */
  String allocator() {
    return NativeAllocator.ofProcess(process.pid());
  }

  /** Computes {@code arch} (a NAS-Bench-201 string) once. */
  Computation compute(String arch) throws IOException {
    requests.write(arch + "\n");
    requests.flush();
    JsonNode answer = next();
    return new Computation(answer.get("seconds").asDouble(), answer.get("mgm").asDouble());
  }

  private JsonNode next() throws IOException {
    String line = answers.readLine();
    if (line == null) {
      throw new IllegalStateException("the PyTorch baseline stopped (" + PytorchOptions.PYTHON_NEEDS
          + "; its error is above)");
    }
    return json.readTree(line);
  }

  /** Ends the worker: closing its input ends its loop; one that does not end within 30 s is killed. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      requests.close();
      process.waitFor(30, TimeUnit.SECONDS);
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }
}
