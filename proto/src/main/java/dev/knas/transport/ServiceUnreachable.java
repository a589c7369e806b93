package dev.knas.transport;

/**
 * The service could not be reached: the connection was refused, the host name does not resolve, the TLS handshake
 * failed, nothing answered in time, or the service stayed unavailable through the service config's retries. The
 * message is one line that names the target and what went wrong.
 */
public final class ServiceUnreachable extends RuntimeException {

  public ServiceUnreachable(String target, String why) {
    super("cannot reach the scoring service at " + target + ": " + why);
  }
}
