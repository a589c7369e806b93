package dev.knas.strategy.runner;

import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.strategy.Strategy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Drives a {@link Strategy}: keeps up to {@code concurrency} proposals being scored, tells the strategy their
 * outcomes in the order it asked for them (journaling each first), and stops asking once {@code budget}
 * evaluations have been proposed (screening is not counted) or the strategy is finished. A failed evaluation
 * (one architecture that cannot be scored) is journaled and told like any outcome, and the search goes on;
 * {@code maxFailures} failures in a row end it, as something systematic is wrong then. Because tells follow the
 * asking order and asks refill right after each tell, the sequence of calls (for a given concurrency) is the same
 * whatever order the service answers in; a resumed search replays the journal's evaluations (failures included)
 * through the same sequence, so it continues exactly where it stopped without asking the service for them again.
 */
public final class SearchRunner {

  /** What a search found and what it cost. */
  public record Outcome(Optional<Evaluation> best, long kernelEvaluations, long evaluations, long failed,
      double wallSeconds, double costSeconds, int replayed) {}

  private final Strategy strategy;
  private final Evaluator evaluator;
  private final Journal journal;
  private final long budget;
  private final int concurrency;
  private final int maxFailures;
  private final Consumer<Evaluation> progress;

  /**
   * @param maxFailures failed evaluations in a row that end the search
   * @param progress told of each evaluation as it is journaled (replayed ones included)
   */
  public SearchRunner(Strategy strategy, Evaluator evaluator, Journal journal, long budget, int concurrency,
      int maxFailures, Consumer<Evaluation> progress) {
    if (budget < 1 || concurrency < 1 || maxFailures < 1) {
      throw new IllegalArgumentException("budget, concurrency and failures allowed must be positive");
    }
    this.maxFailures = maxFailures;
    this.strategy = strategy;
    this.evaluator = evaluator;
    this.journal = journal;
    this.budget = budget;
    this.concurrency = concurrency;
    this.progress = progress;
  }

  private record Pending(Proposal proposal, CompletableFuture<Evaluation> result) {}

  /**
   * Runs the search to its end.
   *
   * @throws SearchFailure when the service refuses or keeps failing, {@code maxFailures} evaluations in a row
   *     failed, or the journal does not match this strategy
   */
  public Outcome run() throws InterruptedException {
    List<Evaluation> recorded = journal.recorded();
    ExecutorService calls = Executors.newFixedThreadPool(concurrency, runnable -> {
      Thread thread = new Thread(runnable, "knas-evaluation");
      thread.setDaemon(true);
      return thread;
    });
    Deque<Pending> pending = new ArrayDeque<>();
    long evaluationsProposed = 0;
    long kernelEvaluations = 0;
    long evaluations = 0;
    long failed = 0;
    int failedInARow = 0;
    double wall = 0;
    double cost = 0;
    Evaluation best = null;
    try {
      while (true) {
        while (pending.size() < concurrency && evaluationsProposed < budget && !strategy.finished()) {
          Optional<Proposal> next = strategy.ask();
          if (next.isEmpty()) {
            break;
          }
          Proposal proposal = next.get();
          if (proposal.stage() == Stage.EVALUATION) {
            evaluationsProposed++;
          }
          pending.add(new Pending(proposal, proposal.sequence() < recorded.size()
              ? CompletableFuture.completedFuture(replay(recorded.get((int) proposal.sequence()), proposal))
              : CompletableFuture.supplyAsync(() -> evaluate(proposal), calls)));
        }
        if (pending.isEmpty()) {
          break;
        }
        Pending head = pending.poll();
        Evaluation result = await(head.result());
        boolean replayed = head.proposal().sequence() < recorded.size();
        if (!replayed) {
          result = result.withTotals(wall + result.wallSeconds(), cost + result.costSeconds());
          journal.append(result);
        }
        wall = result.cumulativeWallSeconds();
        cost = result.cumulativeCostSeconds();
        if (head.proposal().stage() == Stage.KERNEL) {
          kernelEvaluations++;
        } else {
          evaluations++;
          if (!result.failed() && (best == null || result.value() > best.value())) {
            best = result;
          }
        }
        progress.accept(result);
        if (result.failed()) {
          failed++;
          if (++failedInARow >= maxFailures) {
            throw new SearchFailure(failedInARow + " evaluations in a row failed (--max-failures " + maxFailures
                + "), the last " + result.architecture() + ": " + result.error());
          }
        } else {
          failedInARow = 0;
        }
        strategy.tell(head.proposal(), result.outcome());
      }
    } finally {
      calls.shutdownNow();
    }
    int replayedCount = (int) Math.min(recorded.size(), kernelEvaluations + evaluations);
    return new Outcome(Optional.ofNullable(best), kernelEvaluations, evaluations, failed, wall, cost,
        replayedCount);
  }

  private Evaluation evaluate(Proposal proposal) {
    try {
      return evaluator.evaluate(proposal);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SearchFailure("interrupted", e);
    }
  }

  /** The journaled evaluation of {@code proposal}, checked to be the same architecture and stage. */
  private static Evaluation replay(Evaluation recorded, Proposal proposal) {
    String stage = proposal.stage().name().toLowerCase();
    if (recorded.sequence() != proposal.sequence()
        || !recorded.architecture().equals(proposal.architecture().toBenchmarkString())
        || !recorded.stage().equals(stage)) {
      throw new SearchFailure("the journal does not match this search: entry " + proposal.sequence() + " is "
          + recorded.stage() + " " + recorded.architecture() + " but the strategy now proposes " + stage + " "
          + proposal.architecture().toBenchmarkString() + " (another strategy, seed or option?)");
    }
    return recorded;
  }

  private static Evaluation await(CompletableFuture<Evaluation> result) throws InterruptedException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SearchFailure failure) {
        throw failure;
      }
      throw new SearchFailure(String.valueOf(e.getCause()), e.getCause());
    }
  }
}
