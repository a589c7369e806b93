package dev.knas.strategy.runner;

/** A search that cannot go on: the service refused a request, or kept failing after retries. */
public final class SearchFailure extends RuntimeException {

  public SearchFailure(String message) {
    super(message);
  }

  public SearchFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
