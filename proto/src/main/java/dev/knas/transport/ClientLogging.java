package dev.knas.transport;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * gRPC and its shaded Netty log through java.util.logging, a WARNING with a stack trace for every failed name
 * resolution or connection. A command-line client reports those failures itself, as one line from the call's
 * status, so their log lines would only bury it.
 */
public final class ClientLogging {

  // Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level.
  private static final Logger GRPC = Logger.getLogger("io.grpc");

  private ClientLogging() {}

  /** Lets only gRPC's SEVERE lines through, for the main method of a command-line client. */
  public static void quietGrpc() {
    GRPC.setLevel(Level.SEVERE);
  }
}
