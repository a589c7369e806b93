package dev.knas.space.darts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Fuzzes {@link DartsSpace#parse}. Each input is the UTF-8 text itself, so the seeds in
 * {@code DartsParseFuzzTestInputs/} are plain text files.
 */
class DartsParseFuzzTest {

  private static final DartsSpace SPACE = new DartsSpace();

  /** The most a refusal may say: the reason, the known names, and an excerpt of the input at most. */
  private static final int MAX_MESSAGE_LENGTH = 300;

  /**
   * Any text parses or is refused with a bounded one-line message; what parses reads back from both forms, its
   * canonical form is a fixed point, and its mutation is another architecture.
   */
  @FuzzTest(maxDuration = "10s")
  void parsesOrRefuses(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    DartsArchitecture architecture;
    try {
      architecture = SPACE.parse(text);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      assertNotNull(message);
      assertFalse(message.isBlank());
      assertTrue(message.length() <= MAX_MESSAGE_LENGTH, message.length() + " characters");
      assertFalse(message.chars().anyMatch(Character::isISOControl), "a control character in: " + message);
      return;
    }
    assertEquals(architecture, SPACE.parse(architecture.text()));
    assertEquals(architecture, SPACE.parse(architecture.compact()));
    DartsArchitecture canonical = SPACE.canonical(architecture);
    assertEquals(canonical, SPACE.canonical(canonical));
    assertEquals(SPACE.canonicalHash(architecture), SPACE.canonicalHash(canonical));
    assertNotEquals(canonical, SPACE.canonical(SPACE.mutate(architecture, new SplittableRandom(input.length))));
  }
}
