package dev.knas.scoring.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a requested device name ("auto", "cpu", "gpu", "gpu:N") against the GPUs the engine sees. "auto" is
 * the first GPU when there is one, else the CPU.
 */
public final class DeviceSelection {

  public static final String AUTO = "auto";
  private static final Pattern GPU = Pattern.compile("gpu(?::(\\d+))?");

  private final int gpuCount;
  private final String engineDescription;

  public DeviceSelection(int gpuCount, String engineDescription) {
    this.gpuCount = gpuCount;
    this.engineDescription = engineDescription;
  }

  /** The selection for the default engine. */
  public static DeviceSelection ofEngine(Engine engine) {
    return new DeviceSelection(engine.getGpuCount(), engine.getEngineName() + " " + engine.getVersion());
  }

  /**
   * @throws IllegalArgumentException when the name is not one of the accepted forms
   * @throws DeviceUnavailableException when a GPU is asked for that the engine does not see
   */
  public Device resolve(String requested) {
    String name = requested == null || requested.isBlank() ? AUTO : requested.strip().toLowerCase();
    if (name.equals(AUTO)) {
      return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (name.equals("cpu")) {
      return Device.cpu();
    }
    Matcher gpu = GPU.matcher(name);
    if (!gpu.matches()) {
      throw new IllegalArgumentException("unknown device '" + requested + "'; use auto, cpu, gpu or gpu:N");
    }
    // Any number of digits: one past int's range names a GPU no engine has, like any number past the count.
    BigInteger id = gpu.group(1) == null ? BigInteger.ZERO : new BigInteger(gpu.group(1));
    if (id.compareTo(BigInteger.valueOf(gpuCount)) >= 0) {
      throw new DeviceUnavailableException("device " + name + " is not available: " + engineDescription + " sees "
          + gpuCount + " GPU(s)" + (gpuCount == 0 ? "; this build runs on the CPU (see docs/operations/devices.md)" : ""));
    }
    return Device.gpu(id.intValueExact());
  }

  /** The name a request would use for {@code device}: "cpu" or "gpu:N". */
  public static String name(Device device) {
    return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
  }
}
