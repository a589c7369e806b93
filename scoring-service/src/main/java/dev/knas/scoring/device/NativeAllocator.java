package dev.knas.scoring.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The malloc a process's native memory (the engine's tensors) most likely comes from: tcmalloc or jemalloc when
 * one is mapped into the process (bin/scoring-service preloads tcmalloc when installed), else the C library's.
 * Start-up logs and benchmark tables print it, because it moves MGM's time by more than many code changes do. A
 * heuristic: it reads which library is mapped, not which one serves {@code malloc}, which is the same for a
 * preloaded allocator.
 */
public final class NativeAllocator {

  static final String UNKNOWN = "unknown";
  private static final List<String> KNOWN = List.of("tcmalloc", "jemalloc");

  private NativeAllocator() {}

  /** This process's: "tcmalloc", "jemalloc", "glibc malloc", or "unknown" without a readable /proc. */
  public static String name() {
    return fromMappings(Path.of("/proc/self/maps"));
  }

  /** The same for another running process of this machine, {@code pid}. */
  public static String ofProcess(long pid) {
    return fromMappings(Path.of("/proc", Long.toString(pid), "maps"));
  }

  /** The allocator a /proc/PID/maps file names; "unknown" when it cannot be read or is empty (an exited process). */
  static String fromMappings(Path maps) {
    try (Stream<String> lines = Files.lines(maps)) {
      List<String> all = lines.toList();
      if (all.isEmpty()) {
        return UNKNOWN;
      }
      return all.stream().map(NativeAllocator::known).filter(name -> !name.isEmpty()).findFirst()
          .orElse("glibc malloc");
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  /** The known allocator a line of a process's mappings names, or "". */
  static String known(String mapping) {
    int slash = mapping.lastIndexOf('/');
    String file = slash < 0 ? "" : mapping.substring(slash + 1);
    return KNOWN.stream().filter(name -> file.startsWith("lib" + name)).findFirst().orElse("");
  }
}
