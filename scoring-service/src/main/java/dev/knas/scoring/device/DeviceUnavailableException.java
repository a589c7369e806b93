package dev.knas.scoring.device;

/** A request named a device the engine does not have. */
public class DeviceUnavailableException extends RuntimeException {

  public DeviceUnavailableException(String message) {
    super(message);
  }
}
