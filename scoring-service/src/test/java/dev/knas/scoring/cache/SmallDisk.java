package dev.knas.scoring.cache;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for a test, to run out of space on. Mounting needs root (CI runs as root); elsewhere the
 * test is skipped by a failed assumption that says why.
 */
public final class SmallDisk implements AutoCloseable {

  private final Path mountPoint;

  private SmallDisk(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code megabytes} at {@code mountPoint} (created if missing). */
  public static SmallDisk mount(Path mountPoint, int megabytes) throws IOException, InterruptedException {
    Files.createDirectories(mountPoint);
    String output = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
    assumeTrue(output == null, () -> "this test needs to mount a tmpfs (as root) to fill a disk; mount said: "
        + output);
    return new SmallDisk(mountPoint);
  }

  public Path path() {
    return mountPoint;
  }

  /** Writes a file of zeros until the disk is full; deleting it frees the space. */
  public Path fill() throws IOException {
    Path filler = mountPoint.resolve("filler");
    byte[] block = new byte[64 << 10];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
        throw e;
      }
    }
    return filler;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    // Lazily, so a process still holding files there (a killed service) does not keep the mount.
    run("umount", "-l", mountPoint.toString());
  }

  /** Null when {@code command} succeeded, else its output. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    } catch (IOException e) {
      return e.getMessage();
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return command[0] + " did not finish";
    }
    return process.exitValue() == 0 ? null : command[0] + " exited " + process.exitValue() + ": " + output.strip();
  }
}
