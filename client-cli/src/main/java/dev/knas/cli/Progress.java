package dev.knas.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long command: a bar on standard error when the program runs in a terminal, nothing otherwise
 * (so output piped to a file holds no control characters).
 */
final class Progress implements AutoCloseable {

  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  /** A bar for {@code total} units of {@code unit}, shown only on a terminal. */
  static Progress start(String task, long total, String unit) {
    if (System.console() == null) {
      return new Progress(null);
    }
    return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).setUnit(" " + unit, 1).build());
  }

  void stepTo(long done, String message) {
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(message);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
