package dev.knas.scoring.data;

/** A data set's files are missing, unreadable or malformed; the message names the file. */
public class DatasetException extends RuntimeException {

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
