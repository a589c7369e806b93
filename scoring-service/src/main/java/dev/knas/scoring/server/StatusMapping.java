package dev.knas.scoring.server;

import dev.knas.scoring.cache.StoreException;
import dev.knas.scoring.data.DatasetException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status a failure answers with: refusals (bad input, missing resources) keep their status and are logged
 * in one line; anything else is a server fault, INTERNAL, logged with its stack trace.
 */
final class StatusMapping {

  private static final Logger log = LoggerFactory.getLogger(StatusMapping.class);

  private StatusMapping() {}

  /** Answers {@code out} with the status {@code error} maps to. */
  static void fail(StreamObserver<?> out, String method, Throwable error) {
    out.onError(statusOf(method, error).asRuntimeException());
  }

  /** The status a failure maps to (a CompletionException stands for its cause). */
  static Status statusOf(String method, Throwable error) {
    if (error instanceof CompletionException && error.getCause() != null) {
      error = error.getCause();
    }
    Status status;
    if (error instanceof RequestException e) {
      status = e.status();
    } else if (error instanceof StatusRuntimeException e) {
      status = e.getStatus();
    } else if (error instanceof DatasetException e) {
      status = Status.FAILED_PRECONDITION.withDescription("options.dataset: " + e.getMessage());
    } else if (error instanceof StoreException e) {
      status = StoreStatus.of(method, e);
    } else if (error instanceof IllegalArgumentException e) {
      status = Status.INVALID_ARGUMENT.withDescription(e.getMessage());
    } else {
      log.error("{} failed", method, error);
      status = Status.INTERNAL.withDescription(error.toString()).withCause(error);
    }
    if (status.getCode() != Status.Code.INTERNAL) {
      log.info("{} refused: {} {}", method, status.getCode(), status.getDescription());
    }
    return status;
  }

  /** {@code status} as the google.rpc.Status a streamed result carries in place of a value. */
  static com.google.rpc.Status toRpc(Status status) {
    return com.google.rpc.Status.newBuilder().setCode(status.getCode().value())
        .setMessage(String.valueOf(status.getDescription())).build();
  }
}
