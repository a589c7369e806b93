package dev.knas.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProgressTest {

  private static final long SECOND = 1_000_000_000L;

  private final StringWriter written = new StringWriter();
  private final long[] now = {0};

  private Progress lines(String label, long total, String unit) {
    return new Progress(new PrintWriter(written), label, total, unit, false, () -> now[0], () -> 80);
  }

  private Progress bar(String label, long total, String unit, int columns) {
    return new Progress(new PrintWriter(written), label, total, unit, true, () -> now[0], () -> columns);
  }

  @Test
  void linesComeAtTheFirstStepThenEveryFewSecondsAndAtTheEnd() {
    try (Progress progress = lines("scoring", 100, "architectures")) {
      now[0] = 2 * SECOND;
      progress.stepTo(1, "0 failed");
      for (int done = 2; done <= 100; done++) {
        now[0] += SECOND / 10;
        progress.stepTo(done, "0 failed");
      }
    }
    List<String> lines = written.toString().lines().toList();
    // 9.9 s of steps after the first: one line at the first step, one 5 s later, and the last.
    assertEquals(3, lines.size(), written.toString());
    assertEquals("scoring: 1/100 architectures (1%), elapsed 2s, ETA 3m18s; 0 failed", lines.get(0));
    assertTrue(lines.get(1).startsWith("scoring: 51/100 architectures (51%), elapsed 7s, ETA "), lines.get(1));
    assertEquals("scoring: 100/100 architectures (100%), elapsed 12s, ETA 0s; 0 failed", lines.get(2));
    assertTrue(written.toString().chars().noneMatch(c -> c < 32 && c != '\n'), "plain text only");
  }

  @Test
  void aCommandThatNeverSteppedPrintsNothing() {
    lines("scoring", 10, "architectures").close();
    assertEquals("", written.toString());
  }

  @Test
  void workDoneBeforeAResumeCountsButNotInTheEta() {
    try (Progress progress = lines("compare", 10, "runs").resumingFrom(6)) {
      now[0] = 10 * SECOND;
      progress.stepTo(6.5, "random seed 3 50%");
    }
    assertEquals("compare: 6.5/10 runs (65%), elapsed 10s, ETA 1m10s; random seed 3 50%",
        written.toString().strip());
  }

  @Test
  void aPlainLineReadsBackAsTheFractionDone() {
    try (Progress progress = lines("knas seed 0", 340, "evaluations")) {
      progress.stepTo(85, "screened 85/300, evaluated 0/40, best -");
    }
    assertEquals(OptionalDouble.of(0.25), Progress.fractionOf(written.toString().strip()));
    assertEquals(OptionalDouble.of(0.125), Progress.fractionOf("compare: 0.5/4 runs (12%), elapsed 1s, ETA 7s"));
    assertEquals(OptionalDouble.empty(), Progress.fractionOf("knas: resuming from 3/4 journaled evaluations"));
    assertEquals(OptionalDouble.empty(), Progress.fractionOf("{\"strategy\": \"knas\"}"));
  }

  @Test
  void theBarFitsTheTerminalAndNeverCollapses() {
    String label = "compare with a label far longer than any terminal would want to show in full";
    for (int columns : List.of(200, 120, 80, 60, 45)) {
      now[0] = 0;
      Progress progress = bar(label, 60, "runs", columns);
      now[0] = 30 * SECOND;
      progress.stepTo(12, "random seed 3 45%, knas seed 3 12%");
      String line = progress.barLine(columns);
      assertTrue(line.length() <= columns - 1, columns + " columns: " + line);
      Matcher bar = Pattern.compile("\\[([=> ]*)\\]").matcher(line);
      assertTrue(bar.find(), line);
      assertTrue(bar.group(1).length() >= Progress.MIN_BAR, columns + " columns: " + line);
      assertTrue(line.contains(" 12/60 runs 20% 30s ETA 2m00s"), columns + " columns: " + line);
      progress.close();
    }
    Progress wide = bar("compare", 60, "runs", 200);
    wide.stepTo(30, "");
    assertTrue(wide.barLine(200).startsWith("compare [" + "=".repeat(20) + ">" + " ".repeat(19) + "] 30/60"),
        wide.barLine(200));
    wide.close();
  }

  @Test
  void theBarIsRedrawnInPlaceAndEndsWithANewline() {
    try (Progress progress = bar("scoring", 4, "architectures", 80)) {
      progress.stepTo(1, "");
      progress.stepTo(4, "");
    }
    String shown = written.toString();
    assertTrue(shown.startsWith("\r"), shown);
    assertTrue(shown.endsWith("\n"), shown);
    assertEquals(1, shown.chars().filter(c -> c == '\n').count(), shown);
  }

  @Test
  void durationsReadAsSecondsMinutesOrHours() {
    assertEquals("45s", Progress.duration(45.2));
    assertEquals("3m05s", Progress.duration(185));
    assertEquals("1h02m", Progress.duration(3725));
  }
}
