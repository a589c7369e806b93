package dev.knas.scoring.cache;

/** The score store cannot take writes now (e.g. its disk is full); reads still work. */
public final class StoreUnwritableException extends StoreException {

  public StoreUnwritableException(String message, String problem, Throwable cause) {
    super(message, "score store cannot write: " + problem, cause);
  }
}
