package dev.knas.strategy.runner;

import dev.knas.progress.Progress;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A search's progress as the runner journals it: screenings and evaluations done against those planned, and the
 * best score so far.
 */
final class SearchProgress implements Consumer<Evaluation>, AutoCloseable {

  private final Progress progress;
  private final long screenings;
  private final long evaluations;
  private final long journaled;
  private long screened;
  private long evaluated;
  private long failed;
  private double best = Double.NEGATIVE_INFINITY;

  /**
   * @param screenings zero-cost screenings planned besides the evaluations
   * @param evaluations evaluations planned
   * @param journaled evaluations a resumed search replays from its journal
   */
  SearchProgress(Progress progress, long screenings, long evaluations, long journaled) {
    this.progress = progress.resumingFrom(journaled);
    this.screenings = screenings;
    this.evaluations = evaluations;
    this.journaled = journaled;
  }

  @Override
  public void accept(Evaluation evaluation) {
    if (evaluation.stage().equals("kernel")) {
      screened++;
    } else {
      evaluated++;
      if (evaluation.failed()) {
        failed++;
      } else {
        best = Math.max(best, evaluation.value());
      }
    }
    String bestSoFar = best == Double.NEGATIVE_INFINITY ? "-" : String.format(Locale.ROOT, "%.2f", best);
    String message = (screenings > 0 ? "screened " + screened + "/" + screenings + ", evaluated " + evaluated
        + "/" + evaluations + ", " : "") + (failed > 0 ? failed + " failed, " : "") + "best " + bestSoFar;
    // The journal's replayed evaluations are counted (the progress starts past them) but not shown one by one,
    // which would run the count back from where the resumed progress starts.
    if (screened + evaluated > journaled) {
      progress.stepTo(screened + evaluated, message);
    }
  }

  @Override
  public void close() {
    progress.close();
  }
}
