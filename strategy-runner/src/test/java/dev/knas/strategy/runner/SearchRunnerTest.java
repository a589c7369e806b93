package dev.knas.strategy.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.strategy.Outcome;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.strategy.Strategy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's bookkeeping with a scripted strategy and an in-process evaluator (pure logic, no service). */
class SearchRunnerTest {

  @TempDir
  Path temp;

  /** Screens three architectures, then proposes evaluations that depend on every score told so far. */
  private static final class Scripted implements Strategy {
    private long next;
    private double told;
    private int outstanding;
    private final int screening;
    final List<Long> failures = new ArrayList<>();

    Scripted(int screening) {
      this.screening = screening;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public Optional<Proposal> ask() {
      if (next == screening && outstanding > 0) {
        return Optional.empty();
      }
      Stage stage = next < screening ? Stage.KERNEL : Stage.EVALUATION;
      int index = (int) Math.floorMod((long) (told * 7919) + next * 104_729, Nb201Architecture.COUNT);
      outstanding++;
      return Optional.of(new Proposal(next++, Nb201Architecture.fromIndex(index), stage));
    }

    @Override
    public void tell(Proposal proposal, double score) {
      outstanding--;
      told += score;
    }

    @Override
    public void tell(Proposal proposal, Outcome outcome) {
      if (outcome instanceof Outcome.Screened screened) {
        tell(proposal, screened.proxies().get("mgm"));
      } else if (outcome instanceof Outcome.Failed) {
        failures.add(proposal.sequence());
        tell(proposal, -1);
      } else {
        tell(proposal, ((Outcome.Scored) outcome).value());
      }
    }

    @Override
    public boolean finished() {
      return false;
    }
  }

  /**
   * Scores an architecture by its index, answering after a random delay, and counts each sequence asked; the
   * service fails at {@code failAt}, and architectures whose index is a multiple of {@code missing} fail for good.
   */
  private static final class Slow implements Evaluator {
    final Set<Long> asked = ConcurrentHashMap.newKeySet();
    final long failAt;
    final int missing;

    Slow(long failAt) {
      this(failAt, Integer.MAX_VALUE);
    }

    Slow(long failAt, int missing) {
      this.failAt = failAt;
      this.missing = missing;
    }

    @Override
    public Evaluation evaluate(Proposal proposal) throws InterruptedException {
      if (!asked.add(proposal.sequence())) {
        throw new AssertionError("asked twice for " + proposal.sequence());
      }
      if (proposal.sequence() == failAt) {
        throw new SearchFailure("the service went away");
      }
      Thread.sleep(ThreadLocalRandom.current().nextInt(3));
      int index = proposal.architecture().index();
      boolean kernel = proposal.stage() == Stage.KERNEL;
      double value = (index % 1000) / 10.0;
      String error = index % missing == 0 ? "NOT_FOUND: not in the table" : null;
      return new Evaluation(proposal.sequence(), proposal.stage().name().toLowerCase(),
          proposal.architecture().toBenchmarkString(), index, "", kernel ? "zero_cost" : "benchmark", "cifar10",
          kernel ? "mgm" : "validation_accuracy", error == null ? value : null,
          kernel ? Map.of("mgm", value) : null, null, error, false, 0.001, 1000 + index, null, null, 0, 0);
    }
  }

  private record Run(SearchRunner.Outcome outcome, List<Evaluation> journal) {}

  private Run run(Path dir, int concurrency, long budget, long failAt) throws Exception {
    return run(dir, new Scripted(3), new Slow(failAt), concurrency, budget, 10);
  }

  private Run run(Path dir, Scripted strategy, Slow evaluator, int concurrency, long budget, int maxFailures)
      throws Exception {
    Files.createDirectories(dir);
    Path file = dir.resolve("journal.jsonl");
    try (Journal journal = Journal.open(file)) {
      SearchRunner.Outcome outcome = new SearchRunner(strategy, evaluator, journal, budget, concurrency,
          maxFailures, e -> { }).run();
      return new Run(outcome, Journal.open(file).recorded());
    }
  }

  private static List<String> architectures(List<Evaluation> journal) {
    return journal.stream().map(e -> e.sequence() + " " + e.stage() + " " + e.architecture()).toList();
  }

  @Test
  void countsOnlyEvaluationsAgainstTheBudgetAndKeepsTheBest() throws Exception {
    Run run = run(temp.resolve("a"), 1, 10, -1);
    assertEquals(3, run.outcome().kernelEvaluations());
    assertEquals(10, run.outcome().evaluations());
    assertEquals(13, run.journal().size());
    Evaluation best = run.journal().stream().filter(e -> e.stage().equals("evaluation"))
        .max((x, y) -> Double.compare(x.value(), y.value())).orElseThrow();
    assertEquals(best.value(), run.outcome().best().orElseThrow().value());
    double cost = run.journal().stream().mapToDouble(Evaluation::costSeconds).sum();
    assertEquals(cost, run.journal().get(12).cumulativeCostSeconds(), 1e-6);
    assertEquals(cost, run.outcome().costSeconds(), 1e-6);
  }

  @Test
  void theResultDoesNotDependOnTheOrderAnswersArriveIn() throws Exception {
    for (int concurrency : new int[] {1, 2, 5}) {
      List<String> first = architectures(run(temp.resolve("a" + concurrency), concurrency, 40, -1).journal());
      for (int repeat = 0; repeat < 3; repeat++) {
        assertEquals(first, architectures(run(temp.resolve("b" + concurrency + repeat), concurrency, 40, -1)
            .journal()), "concurrency " + concurrency);
      }
    }
  }

  @Test
  void aResumedSearchAsksOnlyForWhatTheJournalLacksAndEndsTheSame() throws Exception {
    List<String> uninterrupted = architectures(run(temp.resolve("whole"), 3, 30, -1).journal());
    Path dir = temp.resolve("crashed");
    assertThrows(SearchFailure.class, () -> run(dir, 3, 30, 17));
    List<Evaluation> before = Journal.open(dir.resolve("journal.jsonl")).recorded();
    assertEquals(17, before.size(), "every evaluation before the failure is journaled, in order");
    Files.writeString(dir.resolve("journal.jsonl"), "{\"sequence\":17,\"sta", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    Files.createDirectories(dir);
    Slow evaluator = new Slow(-1);
    try (Journal journal = Journal.open(dir.resolve("journal.jsonl"))) {
      assertEquals(17, journal.recorded().size(), "the torn line is dropped");
      SearchRunner.Outcome outcome = new SearchRunner(new Scripted(3), evaluator, journal, 30, 3, 10, e -> { }).run();
      assertEquals(17, outcome.replayed());
    }
    assertTrue(evaluator.asked.stream().allMatch(s -> s >= 17), "asked again for " + evaluator.asked);
    assertEquals(uninterrupted, architectures(Journal.open(dir.resolve("journal.jsonl")).recorded()));
  }

  @Test
  void aFailedEvaluationIsJournaledToldAndReplayedAndTheSearchGoesOn() throws Exception {
    Scripted strategy = new Scripted(3);
    Run run = run(temp.resolve("failing"), strategy, new Slow(-1, 3), 2, 40, 10);
    List<Evaluation> failed = run.journal().stream().filter(Evaluation::failed).toList();
    assertTrue(failed.size() >= 3, "about a third of the architectures fail: " + failed.size());
    assertEquals(failed.stream().map(Evaluation::sequence).toList(), strategy.failures);
    assertEquals(40, run.outcome().evaluations(), "the budget is used up, failures included");
    assertEquals(failed.size(), run.outcome().failed());
    assertTrue(failed.stream().allMatch(e -> e.value() == null && e.error().startsWith("NOT_FOUND")));
    assertTrue(run.outcome().best().orElseThrow().value() != null);

    Scripted replaying = new Scripted(3);
    Slow evaluator = new Slow(-1, 3);
    Run resumed = run(temp.resolve("failing"), replaying, evaluator, 2, 40, 10);
    assertTrue(evaluator.asked.isEmpty(), "replayed, asked again for " + evaluator.asked);
    assertEquals(strategy.failures, replaying.failures, "the journal tells the same failures");
    assertEquals(architectures(run.journal()), architectures(resumed.journal()));
  }

  @Test
  void failuresInARowEndTheSearch() throws Exception {
    SearchFailure failure = assertThrows(SearchFailure.class,
        () -> run(temp.resolve("systematic"), new Scripted(3), new Slow(-1, 1), 1, 40, 4));
    assertTrue(failure.getMessage().startsWith("4 evaluations in a row failed (--max-failures 4)"),
        failure.getMessage());
    assertEquals(4, Journal.open(temp.resolve("systematic/journal.jsonl")).recorded().size());
  }

  @Test
  void aJournalOfAnotherSearchIsRefused() throws Exception {
    run(temp.resolve("other"), 1, 5, -1);
    try (Journal journal = Journal.open(temp.resolve("other/journal.jsonl"))) {
      Strategy different = new Scripted(0);
      SearchFailure failure = assertThrows(SearchFailure.class,
          () -> new SearchRunner(different, new Slow(-1), journal, 5, 1, 10, e -> { }).run());
      assertTrue(failure.getMessage().contains("the journal does not match this search"), failure.getMessage());
    }
  }

  @Test
  void aLineThatIsNotAnEvaluationIsAnError() throws IOException {
    Path file = temp.resolve("bad.jsonl");
    Files.writeString(file, "{\"sequence\":0}\nnot json\n");
    SearchFailure failure = assertThrows(SearchFailure.class, () -> Journal.open(file));
    assertTrue(failure.getMessage().contains("line 2"), failure.getMessage());
  }

  @Test
  void refusesNonsenseSettings() throws IOException {
    try (Journal journal = Journal.open(temp.resolve("j.jsonl"))) {
      List<Object> ignored = new ArrayList<>();
      assertThrows(IllegalArgumentException.class,
          () -> new SearchRunner(new Scripted(0), new Slow(-1), journal, 0, 1, 10, ignored::add));
      assertThrows(IllegalArgumentException.class,
          () -> new SearchRunner(new Scripted(0), new Slow(-1), journal, 5, 0, 10, ignored::add));
      assertThrows(IllegalArgumentException.class,
          () -> new SearchRunner(new Scripted(0), new Slow(-1), journal, 5, 1, 0, ignored::add));
    }
  }
}
