package dev.knas.scoring.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.knas.scoring.data.ImageShape;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Nb201NetworkTest {

  private static final ImageShape CIFAR = new ImageShape(3, 32, 32);

  /** The spec's parameter counts (section 3), 10 classes, 3-channel input. */
  @ParameterizedTest
  @CsvSource({"1, 802426", "0, 129306"})
  void parameterCountsOfIndexedArchitecturesMatchTheSpec(int index, long expected) {
    assertEquals(expected, new Nb201Network(Nb201Architecture.fromIndex(index), CIFAR, 10).parameterCount());
  }

  @ParameterizedTest
  @CsvSource({"NOR_CONV_3X3, 1531546", "SKIP_CONNECT, 73306", "NONE, 73306"})
  void parameterCountsOfUniformArchitecturesMatchTheSpec(Operation op, long expected) {
    assertEquals(expected, new Nb201Network(Nb201Architecture.uniform(op), CIFAR, 10).parameterCount());
  }

  @Test
  void index1HasTheSpecsTensorCountInTheSpecsOrder() {
    List<Nb201Network.Trainable> tensors = new Nb201Network(Nb201Architecture.fromIndex(1), CIFAR, 10).trainables();
    assertEquals(156, tensors.size());
    assertEquals("stem.conv.weight", tensors.get(0).parameter().getName());
    assertEquals("stem.bn.weight", tensors.get(1).parameter().getName());
    assertEquals("cell0.edge1_0.conv.weight", tensors.get(3).parameter().getName());
    assertEquals("head.linear.bias", tensors.get(155).parameter().getName());
    assertEquals(64, tensors.get(155).fanIn());
  }

  @Test
  void buildsForGreyscale28x28AndGivesOneLogitPerClass() {
    Nb201Network network = new Nb201Network(Nb201Architecture.fromIndex(1), new ImageShape(1, 28, 28), 10);
    try (NDManager manager = NDManager.newBaseManager()) {
      network.initialize(manager, DataType.FLOAT32, ParameterInit.kaimingUniform(3));
      NDArray logits = network.forward(new ParameterStore(manager, false),
          new NDList(manager.randomUniform(0, 1, new Shape(2, 1, 28, 28))), false).head();
      assertArrayEquals(new long[] {2, 10}, logits.getShape().getShape());
    }
  }

  @Test
  void rejectsImagesTheReductionsCannotHalveEvenly() {
    assertThrows(IllegalArgumentException.class,
        () -> new Nb201Network(Nb201Architecture.fromIndex(1), new ImageShape(3, 30, 30), 10));
  }

  @Test
  void kaimingUniformIsSeededAndBoundedByFanIn() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = ParameterInit.kaimingUniform(7).initialize(manager, new Shape(16, 3, 3, 3), DataType.FLOAT64,
          Nb201Network.Role.CONV_WEIGHT, 0, 27);
      NDArray b = ParameterInit.kaimingUniform(7).initialize(manager, new Shape(16, 3, 3, 3), DataType.FLOAT64,
          Nb201Network.Role.CONV_WEIGHT, 0, 27);
      NDArray c = ParameterInit.kaimingUniform(8).initialize(manager, new Shape(16, 3, 3, 3), DataType.FLOAT64,
          Nb201Network.Role.CONV_WEIGHT, 0, 27);
      assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
      assertEquals(false, a.contentEquals(c));
      double bound = 1 / Math.sqrt(27);
      for (double v : a.toDoubleArray()) {
        assertEquals(true, Math.abs(v) < bound, "value " + v + " outside +-" + bound);
      }
    }
  }
}
