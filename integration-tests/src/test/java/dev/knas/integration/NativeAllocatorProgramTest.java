package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.testing.ServiceProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/scoring-service}'s choice of native allocator: tcmalloc when installed (the test machine has
 * libtcmalloc-minimal4, .ci/packages), glibc's on request, and a clear refusal of anything else. The service's
 * start-up line says which one the engine runs on.
 */
class NativeAllocatorProgramTest {

  @TempDir
  Path temp;

  @Test
  void theServiceRunsOnTcmallocByDefault() throws Exception {
    assertEquals("tcmalloc", allocatorOfAServiceWith(Map.of()));
  }

  @Test
  void systemKeepsTheCLibrarysMalloc() throws Exception {
    assertEquals("glibc malloc", allocatorOfAServiceWith(Map.of("KNAS_MALLOC", "system")));
  }

  @Test
  void anUnknownChoiceIsRefusedByName() throws Exception {
    ServiceProcess.Exit exit = ServiceProcess.fromLauncher(temp).env("KNAS_MALLOC", "jemalloc").runCommand("--help");
    assertEquals(2, exit.code(), exit.output());
    assertTrue(exit.output().contains("KNAS_MALLOC must be auto (the default), tcmalloc or system, not 'jemalloc'"),
        exit.output());
  }

  /** Starts the service with {@code environment} and reads the allocator its start-up line names. */
  private String allocatorOfAServiceWith(Map<String, String> environment) throws Exception {
    try (ServiceProcess service = ServiceProcess.fromLauncher(temp).env(environment).start()) {
      String output = service.awaitOutput(" GPU(s), score store ");
      int engine = output.indexOf(" via DJL ");
      assertTrue(engine >= 0, output);
      String rest = output.substring(engine);
      int on = rest.indexOf(" on ");
      int comma = rest.indexOf(',', on);
      assertTrue(on >= 0 && comma > on, output);
      return rest.substring(on + " on ".length(), comma);
    }
  }
}
