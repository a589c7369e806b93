package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One run of a real strategy program, {@code bin/strategy-NAME}, started from the repository root. */
final class StrategyProgram {

  /** How a finished run ended. */
  record Exit(int code, String out, String err) {}

  private final Process process;
  private final Path log;

  private StrategyProgram(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code bin/strategy-name args}; its output goes to files under {@code logs}. */
  static StrategyProgram start(String name, Path logs, String... args) throws IOException {
    Files.createDirectories(logs);
    List<String> command = new ArrayList<>(List.of("bin/strategy-" + name));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(logs, name, ".log");
    Process process = new ProcessBuilder(command)
        .redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile())
        .redirectError(log.toFile())
        .start();
    return new StrategyProgram(process, log);
  }

  /** Runs to the end (at most five minutes). */
  static Exit run(String name, Path logs, String... args) throws Exception {
    return start(name, logs, args).waitFor();
  }

  Exit waitFor() throws Exception {
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the strategy did not finish: " + Files.readString(log));
    return new Exit(process.exitValue(), Files.readString(log.resolveSibling(log.getFileName() + ".out")),
        Files.readString(log));
  }

  /** SIGKILL, as {@code kill -9}. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean isAlive() {
    return process.isAlive();
  }
}
