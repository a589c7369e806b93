package dev.knas.scoring.cache;

/**
 * The score store cannot be opened, read or written. The message names the store's path and is for the
 * operator; {@link #reason()} says what went wrong without paths or class names, for clients.
 */
public class StoreException extends RuntimeException {

  private final String reason;

  public StoreException(String message, Throwable cause) {
    this(message, "score store failure", cause);
  }

  public StoreException(String message, String reason, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** What went wrong, fit for a client: no server paths, no exception class names. */
  public String reason() {
    return reason;
  }
}
