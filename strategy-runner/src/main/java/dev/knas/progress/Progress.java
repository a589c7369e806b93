package dev.knas.progress;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far a long command has come, on standard error so that standard output keeps only results. On a terminal
 * it is a bar redrawn in place that fits the terminal's width (the label is cut before the bar gets narrower
 * than {@value #MIN_BAR} characters); otherwise plain lines, for pipes and logs: one at the first step, then at
 * most one every {@value #LINE_INTERVAL_SECONDS} s, and the last, each with done/total, percent, elapsed time
 * and ETA. A program that runs others reads their lines back with {@link #fractionOf}.
 */
public final class Progress implements AutoCloseable {

  static final int MIN_BAR = 10;
  static final int MAX_BAR = 40;
  static final long LINE_INTERVAL_SECONDS = 5;
  private static final long NANOS = 1_000_000_000L;
  /** A plain line: "label: 12/60 runs (20%), elapsed ...", done with at most one decimal. */
  private static final Pattern LINE = Pattern.compile(": (\\d+(?:\\.\\d)?)/(\\d+) \\S+ \\(\\d+%\\), elapsed ");

  private final PrintWriter err;
  private final String label;
  private final long total;
  private final String unit;
  private final boolean bar;
  private final LongSupplier nanoTime;
  private final IntSupplier columns;
  private final long started;
  private final ScheduledExecutorService ticker;
  private double done;
  private double baseline;
  private String message = "";
  private boolean stepped;
  /** Whether the last step is on the screen or in a line already. */
  private boolean shown;
  private long lastLine;
  private boolean closed;

  Progress(PrintWriter err, String label, long total, String unit, boolean bar, LongSupplier nanoTime,
      IntSupplier columns) {
    this.err = err;
    this.label = label;
    this.total = Math.max(total, 1);
    this.unit = unit;
    this.bar = bar;
    this.nanoTime = nanoTime;
    this.columns = columns;
    this.started = nanoTime.getAsLong();
    this.ticker = bar ? Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "knas-progress");
      thread.setDaemon(true);
      return thread;
    }) : null;
    if (ticker != null) {
      // The elapsed time and the ETA move between steps too.
      ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * Progress of {@code total} units of {@code unit} on {@code err}: a bar when standard error is a terminal, plain
   * lines otherwise.
   */
  public static Progress start(PrintWriter err, String label, long total, String unit) {
    boolean terminal = Terminal.isStandardError();
    return new Progress(err, label, total, unit, terminal, System::nanoTime,
        terminal ? new CachedColumns() : () -> Terminal.DEFAULT_COLUMNS);
  }

  /** Whether {@link #start} draws a bar, for a command that prints its own lines otherwise. */
  public static boolean drawsBar() {
    return Terminal.isStandardError();
  }

  /** Units done before this command started (a resumed run): shown, but left out of the ETA's rate. */
  public synchronized Progress resumingFrom(double alreadyDone) {
    done = alreadyDone;
    baseline = alreadyDone;
    return this;
  }

  /** {@code done} units so far, with a short note on what is going on. */
  public synchronized void stepTo(double done, String message) {
    if (closed) {
      return;
    }
    this.done = done;
    this.message = message;
    boolean first = !stepped;
    stepped = true;
    shown = false;
    if (bar) {
      draw();
    } else if (first || nanoTime.getAsLong() - lastLine >= LINE_INTERVAL_SECONDS * NANOS) {
      printLine();
    }
  }

  /** Ends the progress: the bar's last state on its own line, or the last plain line if not yet printed. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ticker != null) {
      ticker.shutdownNow();
    }
    if (!stepped) {
      return;
    }
    if (bar) {
      draw();
      err.println();
      err.flush();
    } else if (!shown) {
      printLine();
    }
  }

  /**
   * The fraction of the work a plain progress line reports, or empty when {@code line} is not one; lets a program
   * follow the progress of others it runs.
   */
  public static OptionalDouble fractionOf(String line) {
    Matcher matcher = LINE.matcher(line);
    if (!matcher.find()) {
      return OptionalDouble.empty();
    }
    double total = Double.parseDouble(matcher.group(2));
    return total > 0 ? OptionalDouble.of(Math.min(1, Double.parseDouble(matcher.group(1)) / total))
        : OptionalDouble.empty();
  }

  private synchronized void tick() {
    if (!closed && stepped) {
      draw();
    }
  }

  private void printLine() {
    String line = label + ": " + counts() + " (" + percent() + "%), elapsed " + duration(elapsedSeconds())
        + ", ETA " + eta() + (message.isEmpty() ? "" : "; " + message);
    err.println(line);
    err.flush();
    lastLine = nanoTime.getAsLong();
    shown = true;
  }

  private void draw() {
    err.print("\r" + barLine(columns.getAsInt()) + "\u001b[K");
    err.flush();
    shown = true;
  }

  /**
   * The bar for a terminal {@code width} columns wide, one column short of it so the cursor never wraps: the
   * counts and ETA always, the bar between {@link #MIN_BAR} and {@link #MAX_BAR} wide, then as much of the label
   * and the message as fits.
   */
  String barLine(int width) {
    String stats = " " + counts() + " " + percent() + "% " + duration(elapsedSeconds()) + " ETA " + eta();
    int room = width - 1;
    int barWidth = Math.max(MIN_BAR, Math.min(MAX_BAR, room - stats.length() - 3 - label.length()));
    String shownLabel = cut(label, room - stats.length() - 3 - barWidth);
    int filled = (int) Math.round(barWidth * Math.min(1, done / total));
    String line = shownLabel + " [" + "=".repeat(filled) + (filled < barWidth ? ">" : "")
        + " ".repeat(Math.max(0, barWidth - filled - 1)) + "]" + stats;
    String note = cut("  " + message, room - line.length());
    return cut(line + (message.isEmpty() || note.length() < 6 ? "" : note), room);
  }

  private static String cut(String text, int width) {
    if (text.length() <= width) {
      return text;
    }
    return width <= 3 ? "" : text.substring(0, width - 3) + "...";
  }

  private String counts() {
    String shownDone = done == Math.rint(done) ? Long.toString((long) done)
        : String.format(Locale.ROOT, "%.1f", Math.floor(done * 10) / 10);
    return shownDone + "/" + total + " " + unit;
  }

  private long percent() {
    return (long) Math.floor(100 * Math.min(1, done / total));
  }

  private double elapsedSeconds() {
    return (nanoTime.getAsLong() - started) / (double) NANOS;
  }

  private String eta() {
    if (done >= total) {
      return "0s";
    }
    double rate = (done - baseline) / elapsedSeconds();
    return rate > 0 && Double.isFinite(rate) ? duration((total - done) / rate) : "?";
  }

  /** "45s", "3m05s", "1h02m". */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
  }

  /** The terminal's width, asked again at most every two seconds so that a resized window is followed. */
  private static final class CachedColumns implements IntSupplier {
    private int columns;
    private long asked = Long.MIN_VALUE;

    @Override
    public int getAsInt() {
      long now = System.nanoTime();
      if (asked == Long.MIN_VALUE || now - asked > 2 * NANOS) {
        columns = Terminal.columns();
        asked = now;
      }
      return columns;
    }
  }
}
