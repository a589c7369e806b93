package dev.knas.scoring.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

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
  void thisProcessRunsWhatItsPreloadSays() {
    String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
    String expected = preload.contains("libtcmalloc") ? "tcmalloc"
        : preload.contains("libjemalloc") ? "jemalloc" : "glibc malloc";
    assertEquals(expected, NativeAllocator.name());
  }
}
