package dev.knas.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The processor's model name, printed beside every figure: absolute times do not travel between CPUs. */
final class CpuModel {

  private CpuModel() {}

  /** /proc/cpuinfo's first "model name", or "unknown CPU" where there is none. */
  static String name() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }
}
