package dev.knas.scoring.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {

  @Test
  void autoIsTheFirstGpuWhenThereIsOneElseTheCpu() {
    assertEquals(Device.cpu(), new DeviceSelection(0, "engine").resolve("auto"));
    assertEquals(Device.cpu(), new DeviceSelection(0, "engine").resolve(""));
    assertEquals(Device.gpu(0), new DeviceSelection(2, "engine").resolve("auto"));
  }

  @Test
  void namedDevicesResolveWhenPresent() {
    DeviceSelection two = new DeviceSelection(2, "engine");
    assertEquals(Device.cpu(), two.resolve("CPU"));
    assertEquals(Device.gpu(0), two.resolve("gpu"));
    assertEquals(Device.gpu(1), two.resolve("gpu:1"));
    assertEquals("gpu:1", DeviceSelection.name(Device.gpu(1)));
  }

  @Test
  void anAbsentGpuSaysWhatWasFound() {
    DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
        () -> new DeviceSelection(1, "PyTorch 2.7.1").resolve("gpu:1"));
    assertTrue(e.getMessage().contains("1 GPU(s)") && e.getMessage().contains("PyTorch 2.7.1"), e.getMessage());
  }

  @Test
  void aGpuNumberPastIntsRangeIsAnAbsentGpu() {
    DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
        () -> new DeviceSelection(1, "engine").resolve("gpu:99999999999999999999"));
    assertTrue(e.getMessage().startsWith("device gpu:99999999999999999999 is not available"), e.getMessage());
    assertEquals(Device.gpu(0), new DeviceSelection(1, "engine").resolve("gpu:0000000000000000000000"));
  }

  @Test
  void malformedNamesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new DeviceSelection(1, "e").resolve("tpu"));
    assertThrows(IllegalArgumentException.class, () -> new DeviceSelection(1, "e").resolve("gpu:x"));
  }
}
