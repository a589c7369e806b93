package dev.knas.scoring.benchmark;

/** A benchmark table that cannot be read or is not in the documented layout. */
public final class BenchmarkTableException extends RuntimeException {

  public BenchmarkTableException(String message) {
    super(message);
  }

  public BenchmarkTableException(String message, Throwable cause) {
    super(message, cause);
  }
}
