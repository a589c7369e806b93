package dev.knas.scoring.server;

import io.grpc.Status;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's account of its requests in the log. By default a request costs a few counter increments and one
 * histogram record, and a summary line every interval says how many there were, how many the cache answered, how
 * many failed and their latency percentiles; under load, a line per request grew the log by 420 MB in three
 * minutes. With access logging on, every request also gets its own line.
 */
public final class RequestLog implements AutoCloseable {

  /**
   * @param eachRequest one line per request besides the summaries
   * @param summaryInterval how often the summary is written (only for intervals that had requests); zero: never
   */
  public record Settings(boolean eachRequest, Duration summaryInterval) {

    /** Summaries every minute, no line per request. */
    public static final Settings DEFAULT = new Settings(false, Duration.ofSeconds(60));

    public Settings {
      if (summaryInterval.isNegative()) {
        throw new IllegalArgumentException("the summary interval is negative");
      }
    }
  }

  private static final Logger log = LoggerFactory.getLogger(RequestLog.class);

  private final Settings settings;
  private final LongAdder requests = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder errors = new LongAdder();
  /** Nanoseconds to answer, two significant digits; each summary takes the interval's and starts a new one. */
  private final Recorder latencies = new Recorder(2);
  private final ScheduledExecutorService timer;
  private Histogram interval;
  private long intervalStart = System.nanoTime();

  RequestLog(Settings settings) {
    this.settings = settings;
    if (settings.summaryInterval().isZero()) {
      timer = null;
    } else {
      timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "knas-request-log");
        thread.setDaemon(true);
        return thread;
      });
      long millis = settings.summaryInterval().toMillis();
      timer.scheduleAtFixedRate(this::summarise, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** Whether each request gets its own line: callers build the line only then. */
  boolean eachRequest() {
    return settings.eachRequest() && log.isInfoEnabled();
  }

  /** Counts one answered or refused request; a negative time (refused before anything ran) counts no latency. */
  void completed(Status.Code code, boolean hit, long nanos) {
    requests.increment();
    if (hit) {
      hits.increment();
    }
    if (code != Status.Code.OK) {
      errors.increment();
    }
    if (nanos >= 0) {
      latencies.recordValue(nanos);
    }
  }

  /** The request's own line, when {@link #eachRequest()}. */
  void request(String method, String summary, Status.Code code, boolean hit, long nanos, String traceId) {
    // Milliseconds to one decimal without String.format, which costs more than the rest of a cache hit.
    log.info("rpc={} {} status={} hit={} ms={}.{} trace_id={}", method, summary, code, hit, nanos / 1_000_000,
        nanos / 100_000 % 10, traceId);
  }

  /** Writes the summary of the requests since the last one, if there were any. */
  synchronized void summarise() {
    interval = latencies.getIntervalHistogram(interval);
    long count = requests.sumThenReset();
    long cached = hits.sumThenReset();
    long failed = errors.sumThenReset();
    long now = System.nanoTime();
    long seconds = Math.round((now - intervalStart) / 1e9);
    intervalStart = now;
    if (count == 0) {
      return;
    }
    log.info("requests in the last {} s: {} ({} answered from the cache, {} failed), latency p50 {} ms, p99 {} ms,"
        + " max {} ms", seconds, count, cached, failed,
        millis(interval.getValueAtPercentile(50)), millis(interval.getValueAtPercentile(99)),
        millis(interval.getMaxValue()));
  }

  /** Stops the summaries after writing the last one. */
  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
    summarise();
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
