package dev.knas.scoring.proxy.measures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelRequest;
import dev.knas.scoring.kernel.Precision;
import dev.knas.space.nb201.CanonicalForm;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MgmTest {

  @Test
  void equalsTheGradientKernelFidelity() {
    KernelRequest kernel = new KernelRequest(CanonicalForm.of(ProxyFixture.INDEX_1),
        new DatasetCatalog(Optional.empty(), Optional.empty(), Optional.empty()).get("synthetic"),
        ProxyFixture.BATCH, 0, Device.cpu(), Precision.FLOAT64, false);
    assertEquals(GradientKernelScorer.compute(kernel).mgm(), ProxyFixture.value("mgm", ProxyFixture.INDEX_1));
  }
}
