package dev.knas.scoring.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeAllocatorTest {

  @Test
  void namesTheAllocatorAMappedLibraryIs() {
    assertEquals("tcmalloc", NativeAllocator.known(
        "7f3c2a400000-7f3c2a42d000 r-xp 00000000 fe:00 1234 /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10"));
    assertEquals("jemalloc", NativeAllocator.known(
        "7f3c2a400000-7f3c2a42d000 r--p 00000000 fe:00 99 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2"));
  }

  @Test
  void otherMappingsNameNone() {
    assertEquals("", NativeAllocator.known(
        "7f3c2a400000-7f3c2a42d000 r-xp 00000000 fe:00 77 /usr/lib/x86_64-linux-gnu/libc.so.6"));
    assertEquals("", NativeAllocator.known("7ffd1c1d2000-7ffd1c1f3000 rw-p 00000000 00:00 0  [stack]"));
    assertEquals("", NativeAllocator.known(
        "7f3c2a400000-7f3c2a42d000 r-xp 00000000 fe:00 5 /tmp/knas-tcmalloc-notes/libtorch_cpu.so"));
  }

  @Test
  void readsAProcesssMappings(@TempDir Path temp) throws IOException {
    Path withTcmalloc = Files.writeString(temp.resolve("tcmalloc-maps"), String.join("\n",
        "55d0c8a00000-55d0c8a01000 r--p 00000000 fe:00 10 /usr/lib/jvm/java-17-openjdk-amd64/bin/java",
        "7f3c2a400000-7f3c2a42d000 r-xp 00000000 fe:00 11 /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10",
        "7f3c2b000000-7f3c2b200000 r-xp 00000000 fe:00 12 /usr/lib/x86_64-linux-gnu/libc.so.6"));
    Path plain = Files.writeString(temp.resolve("plain-maps"),
        "7f3c2b000000-7f3c2b200000 r-xp 00000000 fe:00 12 /usr/lib/x86_64-linux-gnu/libc.so.6\n");
    assertEquals("tcmalloc", NativeAllocator.fromMappings(withTcmalloc));
    assertEquals("glibc malloc", NativeAllocator.fromMappings(plain));
    assertEquals(NativeAllocator.UNKNOWN, NativeAllocator.fromMappings(temp.resolve("absent")));
    assertEquals(NativeAllocator.UNKNOWN, NativeAllocator.fromMappings(Files.writeString(temp.resolve("empty"), "")));
  }

  @Test
  void thisProcessRunsWhatItsPreloadSays() {
    String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
    String expected = preload.contains("libtcmalloc") ? "tcmalloc"
        : preload.contains("libjemalloc") ? "jemalloc" : "glibc malloc";
    assertEquals(expected, NativeAllocator.name());
  }
}
