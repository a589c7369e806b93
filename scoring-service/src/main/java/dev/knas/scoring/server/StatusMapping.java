package dev.knas.scoring.server;

import dev.knas.scoring.cache.StoreException;
import dev.knas.scoring.data.DatasetException;
import dev.knas.scoring.request.RequestException;
import dev.knas.scoring.request.StatusText;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.UUID;
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
      status = RequestException.datasetUnavailable(method, e);
    } else if (error instanceof StoreException e) {
      status = StoreStatus.of(method, e);
    } else {
      // A fault of the service: the client gets a reference to the log line, not the exception's class or
      // message (which can name files and internals of the service's machine).
      String reference = UUID.randomUUID().toString().substring(0, 8);
      log.error("{} failed (reference {})", method, reference, error);
      status = Status.INTERNAL.withDescription("internal error; the service's log has the details under reference "
          + reference).withCause(error);
    }
    status = status.withDescription(StatusText.description(status.getDescription()));
    if (status.getCode() != Status.Code.INTERNAL) {
      log.info("{} refused: {} {}", method, status.getCode(), status.getDescription());
    }
    return status;
  }

  /** {@code status} as the google.rpc.Status a streamed result carries in place of a value. */
  static com.google.rpc.Status toRpc(Status status) {
    return com.google.rpc.Status.newBuilder().setCode(status.getCode().value())
        .setMessage(String.valueOf(StatusText.description(status.getDescription()))).build();
  }
}
