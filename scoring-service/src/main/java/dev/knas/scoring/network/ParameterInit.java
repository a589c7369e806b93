package dev.knas.scoring.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.knas.scoring.network.Nb201Network.Role;
import java.util.SplittableRandom;

/**
 * Values of a trainable tensor at initialisation. Generated on the JVM rather than by the engine's global
 * random generator, so a seed gives the same network on every device and under concurrent requests.
 */
public interface ParameterInit {

  /**
   * @param position the tensor's position in the spec's parameter order (0 = stem conv weight)
   * @param fanIn input channels x kernel height x kernel width (64 for the classifier's weight and bias)
   */
  NDArray initialize(NDManager manager, Shape shape, DataType type, Role role, int position, int fanIn);

  /**
   * PyTorch's default for this network: conv and linear weights and the linear bias uniform in
   * (-1/sqrt(fan_in), 1/sqrt(fan_in)); BatchNorm scale 1, shift 0. Each tensor draws from its own stream derived
   * from the seed and its position.
   */
  static ParameterInit kaimingUniform(long seed) {
    return (manager, shape, type, role, position, fanIn) -> switch (role) {
      case BN_SCALE -> manager.ones(shape, type);
      case BN_SHIFT -> manager.zeros(shape, type);
      default -> {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + position);
        double bound = 1 / Math.sqrt(fanIn);
        double[] values = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
          values[i] = random.nextDouble(-bound, bound);
        }
        yield tensor(manager, values, shape, type);
      }
    };
  }

  /**
   * The spec's deterministic conformance initialisation (section 5): weights and the linear bias
   * w[i] = sin(0.37 i + 1.3 k) / sqrt(fan_in), k counting every tensor; BatchNorm scale 1, shift 0.
   */
  static ParameterInit conformance() {
    return (manager, shape, type, role, position, fanIn) -> switch (role) {
      case BN_SCALE -> manager.ones(shape, type);
      case BN_SHIFT -> manager.zeros(shape, type);
      default -> {
        double[] values = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
          values[i] = Math.sin(0.37 * i + 1.3 * position) / Math.sqrt(fanIn);
        }
        yield tensor(manager, values, shape, type);
      }
    };
  }

  /**
   * {@code values} as a tensor of {@code type}. Float32 values are rounded on the JVM, to nearest as the engine's
   * conversion rounds, so the tensor is the same while half the bytes cross JNI and no conversion runs there
   * (that conversion was 5% of an MGM request's engine time).
   */
  private static NDArray tensor(NDManager manager, double[] values, Shape shape, DataType type) {
    if (type == DataType.FLOAT32) {
      float[] rounded = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        rounded[i] = (float) values[i];
      }
      return manager.create(rounded, shape);
    }
    return manager.create(values, shape).toType(type, false);
  }
}
