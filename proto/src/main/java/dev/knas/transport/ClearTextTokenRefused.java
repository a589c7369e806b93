package dev.knas.transport;

/**
 * The client's own refusal to send the bearer token without TLS to an address that is not loopback: the options
 * are wrong (a token needs --tls or --tls-ca there), nothing failed on the service's side.
 */
public final class ClearTextTokenRefused extends RuntimeException {

  ClearTextTokenRefused(String message) {
    super(message);
  }
}
