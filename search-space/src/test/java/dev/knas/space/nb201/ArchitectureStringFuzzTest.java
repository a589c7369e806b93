package dev.knas.space.nb201;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Fuzzes the text forms of an architecture: the benchmark string ({@link Nb201Architecture#parse}) and what a
 * person types ({@link Nb201Architecture#fromIndexOrString}). Each input is the UTF-8 text itself, so the seeds in
 * {@code ArchitectureStringFuzzTestInputs/} (shared by both tests) are plain text files; docs/development/testing.md says
 * how to fuzz.
 */
class ArchitectureStringFuzzTest {

  /** The most a refusal may say: the reason, the known names, and an excerpt of the input at most. */
  private static final int MAX_MESSAGE_LENGTH = 300;

  /**
   * Any text parses or is refused with an IllegalArgumentException that has a message; what parses survives
   * every conversion between the forms.
   */
  @FuzzTest(maxDuration = "30s")
  void parsesOrRefuses(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Optional<Nb201Architecture> parsed = acceptedOrRefused(() -> Nb201Architecture.parse(text));
    Optional<Nb201Architecture> typed = acceptedOrRefused(() -> Nb201Architecture.fromIndexOrString(text));
    parsed.ifPresent(FormsProperty::assertFormsAgree);
    typed.ifPresent(FormsProperty::assertFormsAgree);
    if (!isDigitsOnly(text.strip())) {
      assertEquals(parsed, typed, "text that is not an index means the same to both");
    }
  }

  /** The architecture, or empty when refused as documented; any other exception is a finding. */
  private static Optional<Nb201Architecture> acceptedOrRefused(Supplier<Nb201Architecture> form) {
    try {
      return Optional.of(form.get());
    } catch (IllegalArgumentException e) {
      // A refusal reaches status descriptions, logs and terminals: bounded, and no raw control characters.
      String message = e.getMessage();
      assertNotNull(message);
      assertFalse(message.isBlank());
      assertTrue(message.length() <= MAX_MESSAGE_LENGTH, message.length() + " characters");
      assertFalse(message.chars().anyMatch(Character::isISOControl), "a control character in: " + message);
      return Optional.empty();
    }
  }

  private static boolean isDigitsOnly(String text) {
    return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
  }
}
