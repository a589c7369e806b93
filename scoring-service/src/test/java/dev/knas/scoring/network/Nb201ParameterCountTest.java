package dev.knas.scoring.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.knas.scoring.benchmark.BenchmarkDataset;
import dev.knas.scoring.data.ImageShape;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The analytic count is the built network's count, for every architecture and every input the service builds. */
class Nb201ParameterCountTest {

  private record Input(ImageShape shape, int classes) {}

  /** NAS-Bench-201's three data sets (the benchmark fidelity's) and Fashion-MNIST's grey images. */
  private static List<Input> inputs() {
    List<Input> inputs = new ArrayList<>();
    BenchmarkDataset.ALL.forEach(d -> inputs.add(new Input(d.shape(), d.classes())));
    inputs.add(new Input(new ImageShape(1, 28, 28), 10));
    return inputs;
  }

  /**
   * Builds every one of the 15,625 networks once per input (only their parameter shapes: nothing is allocated on
   * an engine, so this takes seconds) and compares.
   */
  @Test
  void equalsTheBuiltNetworksCountForEveryArchitecture() {
    for (Input input : inputs()) {
      for (int index = 0; index < Nb201Architecture.COUNT; index++) {
        Nb201Architecture cell = Nb201Architecture.fromIndex(index);
        assertEquals(new Nb201Network(cell, input.shape(), input.classes()).parameterCount(),
            Nb201ParameterCount.of(cell, input.shape().channels(), input.classes()),
            () -> cell + " on " + input);
      }
    }
  }

  /** The spec's own figures (section 3: 10 classes, 3-channel input), independent of the builder. */
  @Test
  void matchesTheSpecsFigures() {
    assertEquals(802_426, Nb201ParameterCount.of(Nb201Architecture.fromIndex(1), 3, 10));
    assertEquals(129_306, Nb201ParameterCount.of(Nb201Architecture.fromIndex(0), 3, 10));
    assertEquals(1_531_546, Nb201ParameterCount.of(Nb201Architecture.uniform(Operation.NOR_CONV_3X3), 3, 10));
    assertEquals(73_306, Nb201ParameterCount.of(Nb201Architecture.uniform(Operation.NONE), 3, 10));
  }
}
