package dev.knas.transport;

import io.grpc.Status;

/** One line saying why a call failed, for the clients' error messages. */
public final class CallFailure {

  private CallFailure() {}

  /**
   * The description's first line (a transport failure appends Netty's pipeline on further lines) and, when the
   * status carries a cause, the innermost one's message: that names what went wrong in a TLS handshake, e.g.
   * "unable to find valid certification path to requested target" for a server certificate not trusted.
   */
  public static String reason(Status status) {
    String description = status.getDescription() == null ? status.getCode().toString()
        : status.getDescription().lines().findFirst().orElse("");
    Throwable cause = status.getCause();
    if (cause == null) {
      return description;
    }
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return description + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
  }
}
