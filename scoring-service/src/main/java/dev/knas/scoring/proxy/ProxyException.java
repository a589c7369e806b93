package dev.knas.scoring.proxy;

/** A proxy has no value for this network; the message says why. The request's other proxies go on. */
public final class ProxyException extends RuntimeException {

  public ProxyException(String message) {
    super(message);
  }
}
