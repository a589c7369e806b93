package dev.knas.scoring.server;

import io.grpc.Status;

/** A request the service refuses; carries the gRPC status whose description names the field and the reason. */
final class RequestException extends RuntimeException {

  private final Status status;

  RequestException(Status status) {
    super(status.getDescription());
    this.status = status;
  }

  static RequestException invalid(String field, String reason) {
    return new RequestException(Status.INVALID_ARGUMENT.withDescription(field + ": " + reason));
  }

  static RequestException failedPrecondition(String field, String reason) {
    return new RequestException(Status.FAILED_PRECONDITION.withDescription(field + ": " + reason));
  }

  static RequestException unimplemented(String what) {
    return new RequestException(Status.UNIMPLEMENTED.withDescription(what));
  }

  Status status() {
    return status;
  }
}
