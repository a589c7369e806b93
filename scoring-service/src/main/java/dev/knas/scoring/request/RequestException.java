package dev.knas.scoring.request;

import dev.knas.scoring.data.DatasetException;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A request the service refuses; carries the gRPC status whose description names the field and the reason. */
public final class RequestException extends RuntimeException {

  private static final Logger log = LoggerFactory.getLogger(RequestException.class);

  private final Status status;

  public RequestException(Status status) {
    super(status.getDescription());
    this.status = status;
  }

  public static RequestException invalid(String field, String reason) {
    return new RequestException(Status.INVALID_ARGUMENT.withDescription(field + ": " + reason));
  }

  public static RequestException failedPrecondition(String field, String reason) {
    return new RequestException(Status.FAILED_PRECONDITION.withDescription(field + ": " + reason));
  }

  public static RequestException unimplemented(String what) {
    return new RequestException(Status.UNIMPLEMENTED.withDescription(what));
  }

  /** What a client learns of a data set the service cannot read; the log has the file and the reason. */
  public static Status datasetUnavailable(String method, DatasetException e) {
    log.warn("{}: data set unavailable: {}", method, StatusText.description(e.getMessage()));
    return Status.FAILED_PRECONDITION.withDescription("options.dataset: the data set cannot be read on this service"
        + " (its files are missing or damaged; the service's log says which)");
  }

  public Status status() {
    return status;
  }
}
