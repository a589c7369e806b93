package dev.knas.scoring.cache;

/** The score store cannot be opened, read or written; the message names the store's path. */
public class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
