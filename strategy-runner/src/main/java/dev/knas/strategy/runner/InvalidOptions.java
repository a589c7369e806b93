package dev.knas.strategy.runner;

/** Options a search cannot start with (exit code 2), found before anything is written. */
public final class InvalidOptions extends RuntimeException {

  public InvalidOptions(String message) {
    super(message);
  }
}
