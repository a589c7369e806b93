package dev.knas.progress;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Whether standard error is a terminal, and how wide the terminal is. */
final class Terminal {

  /** Columns assumed when the terminal does not say. */
  static final int DEFAULT_COLUMNS = 80;

  private Terminal() {}

  /**
   * Whether standard error is a terminal. Java 17 cannot ask isatty(2) directly: on Linux the descriptor's link
   * names the device; elsewhere a console (standard input and output on a terminal) stands in for it.
   */
  static boolean isStandardError() {
    try {
      String device = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }

  /** The terminal's width: $COLUMNS when exported, else what {@code stty size} says, else 80. */
  static int columns() {
    try {
      int columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "").strip());
      if (columns > 0) {
        return columns;
      }
    } catch (NumberFormatException e) {
      // not exported, as shells usually leave it: ask the terminal
    }
    try {
      Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0) {
        int columns = Integer.parseInt(size.substring(size.indexOf(' ') + 1));
        if (columns > 0) {
          return columns;
        }
      }
    } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
      // no terminal to ask
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return DEFAULT_COLUMNS;
  }
}
