package dev.knas.scoring.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The malloc the engine's native memory comes from in this process: tcmalloc or jemalloc when one is mapped
 * (bin/scoring-service preloads tcmalloc when installed), else the C library's. Start-up logs and benchmark tables
 * print it, because it moves MGM's time by more than many code changes do.
 */
public final class NativeAllocator {

  private static final List<String> KNOWN = List.of("tcmalloc", "jemalloc");
  private NativeAllocator() {}

  /** This process's: "tcmalloc", "jemalloc" or "glibc malloc" (also when its mappings cannot be read). */
  public static String name() {
    return fromMappings(Path.of("/proc/self/maps"));
  }

  /** The same for another process of this machine, {@code pid}. */
  public static String ofProcess(long pid) {
    return fromMappings(Path.of("/proc", Long.toString(pid), "maps"));
  }

  private static String fromMappings(Path maps) {
    if (!Files.isReadable(maps)) {
      return "glibc malloc";
    }
    try (Stream<String> lines = Files.lines(maps)) {
      return lines.map(NativeAllocator::known).filter(name -> !name.isEmpty()).findFirst().orElse("glibc malloc");
    } catch (IOException | RuntimeException e) {
      return "glibc malloc";
    }
  }

  /** The known allocator a line of the process's mappings names, or "". */
  static String known(String mapping) {
    int slash = mapping.lastIndexOf('/');
    String file = slash < 0 ? "" : mapping.substring(slash + 1);
    return KNOWN.stream().filter(name -> file.startsWith("lib" + name)).findFirst().orElse("");
  }
}
